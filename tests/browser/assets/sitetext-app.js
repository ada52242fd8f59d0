// The page's script: fills in the visitor's data from an API answer (sitetext-visitor.json) and
// echoes the delivery note as it is typed. Its strings are site text; what it fills in is not.
const MESSAGES = { welcome: "Welcome back, {name}!", items: "You have {count} items in your cart" };

function format(message, values) {
  return message.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}

fetch("sitetext-visitor.json").then((r) => r.json()).then((visitor) => {
  document.getElementById("welcome").textContent = format(MESSAGES.welcome, visitor);
  document.getElementById("items").textContent = `You have ${visitor.count} items in your cart`;
  document.getElementById("name-cell").textContent = visitor.name;
  document.getElementById("order-cell").textContent = visitor.order;
  document.body.dataset.loaded = "yes";
});

document.getElementById("note").addEventListener("input", (event) => {
  document.getElementById("echo").textContent = event.target.value;
});
