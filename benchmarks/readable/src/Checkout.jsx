import { useState } from "react";
import { t } from "./i18n.js";

const COUNTRIES = ["Germany", "France", "Italy", "Spain", "United Kingdom"];

export function Checkout({ visitor }) {
  const [gift, setGift] = useState("");
  const [note, setNote] = useState("");
  const [placed, setPlaced] = useState(false);
  if (placed) {
    return (
      <section className="confirmation">
        <h2>{t("confirm.title")}</h2>
        <p>{t("confirm.note", { note })}</p>
      </section>
    );
  }
  return (
    <form aria-label="Checkout" onSubmit={(event) => { event.preventDefault(); setPlaced(true); }}>
      <h2>Delivery details</h2>
      <dl>
        <dt>Saved country</dt>
        <dd>{visitor.savedCountry}</dd>
      </dl>
      <label htmlFor="full-name">Full name</label>
      <input id="full-name" autoComplete="name" defaultValue={visitor.fullName} />
      <label htmlFor="street">Street address</label>
      <input id="street" autoComplete="street-address" defaultValue={visitor.street} />
      <label htmlFor="postcode">Postcode</label>
      <input id="postcode" autoComplete="postal-code" defaultValue={visitor.postcode} />
      <label htmlFor="country">Country</label>
      <select id="country" defaultValue="United Kingdom">
        {COUNTRIES.map((country) => <option key={country}>{country}</option>)}
      </select>
      <label htmlFor="phone">Contact phone</label>
      <input id="phone" type="tel" placeholder="Phone number" defaultValue={visitor.phone} />
      <label htmlFor="note">Delivery note</label>
      <textarea id="note" placeholder="Anything the courier should know?" value={note} onChange={(e) => setNote(e.target.value)} />
      <fieldset>
        <legend>Delivery speed</legend>
        <label><input type="radio" name="speed" value="standard" defaultChecked /> Standard delivery</label>
        <label><input type="radio" name="speed" value="express" /> Express delivery</label>
      </fieldset>
      <h2>Payment</h2>
      <p>{t("card", { last4: visitor.cardLast4 })}</p>
      <label htmlFor="promo">Promo code</label>
      <input id="promo" placeholder="Enter a code" />
      <label htmlFor="gift">Gift message</label>
      <input id="gift" placeholder="Add a personal message" value={gift} onChange={(e) => setGift(e.target.value)} />
      {gift && <p className="preview" aria-live="polite">{t("gift.preview", { message: gift })}</p>}
      <label htmlFor="password">Create a password</label>
      <input id="password" type="password" autoComplete="new-password" placeholder="At least 12 characters" />
      <label><input type="checkbox" name="offers" /> Email me about offers</label>
      <button type="submit" title="Place your order">Place order</button>
    </form>
  );
}
