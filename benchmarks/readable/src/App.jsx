// The readable benchmark's app (benchmarks/readable.py): a checkout page whose labels and messages
// are in its source, and whose visitor's data comes from a JSON API at run time.
import { useEffect, useState } from "react";
import { Checkout } from "./Checkout.jsx";
import { Header } from "./Header.jsx";
import { Orders } from "./Orders.jsx";
import { t } from "./i18n.js";

export function App() {
  const [visitor, setVisitor] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    fetch("api/visitor.json")
      .then((response) => response.json())
      .then(setVisitor, () => setFailed(true));
  }, []);
  if (failed) return <p role="alert">We could not load your account. Please try again.</p>;
  if (!visitor) return <p className="loading">{t("loading")}</p>;
  return (
    <>
      <Header visitor={visitor} />
      <main>
        <section className="welcome">
          <h1>{t("welcome", { name: visitor.firstName })}</h1>
          <p>{t("cart.count", { count: visitor.cartCount })}</p>
          <p className="muted">{t("lastLogin", { city: visitor.city })}</p>
        </section>
        <Orders orders={visitor.orders} />
        <Checkout visitor={visitor} />
      </main>
      <footer>
        <nav aria-label="Legal">
          <a href="/terms">Terms of service</a> <a href="/privacy">Privacy policy</a> <a href="/contact">Contact us</a>
        </nav>
        <p>{t("footer.support")}</p>
        <p className="muted">{t("footer.account", { id: visitor.accountId })}</p>
        <p className="muted">© 2026 Acme Outfitters Ltd.</p>
      </footer>
    </>
  );
}
