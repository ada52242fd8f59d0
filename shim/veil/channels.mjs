/*
 * channels.mjs: the observer's options for the context channels (network, console), from the config.
 *
 * Rules: one place builds them, for the observer started early (before the runtime is up) and the
 * one started after the gate. They only pre-filter: the Python core judges and masks again whatever
 * these let through. Veil's own requests (its endpoint, its dist/ files) are never recorded.
 */
import { BASE } from "./state.mjs";

/**
 * @param {any} config the page's config as given to Veil.init
 * @returns {{network: null | {detailUrls: Array<string | RegExp>, headers: string[] | undefined, bodyMaxBytes: number | undefined, ownUrls: string[]}, console: string[]}}
 */
export function channelOptions(config) {
  return {
    network: config.network === false ? null : {
      detailUrls: config.networkDetailUrls || [],
      headers: config.networkHeaders,
      bodyMaxBytes: config.networkBodyMaxBytes,
      ownUrls: [String(config.endpoint), BASE],
    },
    console: config.console || [],
  };
}
