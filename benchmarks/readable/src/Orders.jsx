import { t } from "./i18n.js";

const STATUS = { shipped: "Shipped", processing: "Processing", delivered: "Delivered" };

export function Orders({ orders }) {
  return (
    <section aria-labelledby="orders-title">
      <h2 id="orders-title">{t("orders.title")}</h2>
      {orders.length === 0 ? (
        <p>{t("orders.empty")}</p>
      ) : (
        <table>
          <caption>{t("orders.caption")}</caption>
          <thead>
            <tr><th>Order</th><th>Item</th><th>Status</th><th>Total</th></tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order.id}>
                <td>{order.id}</td>
                <td>{order.item}</td>
                <td>{STATUS[order.status]}</td>
                <td>{order.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
