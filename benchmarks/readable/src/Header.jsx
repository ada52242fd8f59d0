import { t } from "./i18n.js";

const NAV = [
  { href: "/shop", label: "Shop" },
  { href: "/new", label: "New arrivals" },
  { href: "/sale", label: "Sale" },
  { href: "/help", label: "Help" },
];

export function Header({ visitor }) {
  return (
    <header>
      <img className="logo" alt="Acme Outfitters logo" width="32" height="32"
        src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Ccircle cx='16' cy='16' r='14' fill='%23357'/%3E%3C/svg%3E" />
      <nav aria-label="Main navigation">
        {NAV.map((item) => (
          <a key={item.href} href={item.href}>{item.label}</a>
        ))}
      </nav>
      <input type="search" placeholder="Search products" aria-label="Search the shop" />
      <button type="button" title={t("account.menu")}>{t("account.signedInAs", { name: visitor.fullName })}</button>
    </header>
  );
}
