// Veil's, not rrweb's: the vendored rrweb-snapshot.js beside this file is npm's rrweb-snapshot 2.2.2
// byte for byte (build.py checks it), so its types are that package's own. This keeps tsc from
// type-checking code Veil never edits.
export * from "rrweb-snapshot";
