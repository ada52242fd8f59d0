// A small ICU formatter for the app's messages: {name} arguments and {n, plural, ...} with #.
import messages from "./messages/en.json";

const plurals = new Intl.PluralRules("en");

function lookup(key) {
  return key.split(".").reduce((node, part) => (node ? node[part] : undefined), messages);
}

function argumentEnd(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return text.length;
}

function format(text, values) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "{") {
      out += text[i];
      continue;
    }
    const end = argumentEnd(text, i);
    const [name, kind, ...rest] = text.slice(i + 1, end).split(",");
    const value = values[name.trim()];
    if (kind && kind.trim() === "plural") {
      const options = rest.join(",");
      const wanted = plurals.select(value);
      const match = options.match(new RegExp(`${wanted}\\s*\\{([^}]*)\\}`)) || options.match(/other\s*\{([^}]*)\}/);
      out += match[1].replace("#", String(value));
    } else {
      out += String(value);
    }
    i = end;
  }
  return out;
}

export function t(key, values = {}) {
  return format(lookup(key), values);
}
