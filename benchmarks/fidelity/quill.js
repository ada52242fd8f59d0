// A rich-text editor: Quill 2 with its snow theme (a contenteditable root, a toolbar of SVG
// buttons, formats as classes and tags). change() edits the document through Quill's API after
// recording started: new formatted text, a line turned into a heading, a colour, a list item.
import Quill from "quill";
import "quill/dist/quill.snow.css";
import { expose, h } from "./common.js";

let quill;

function build() {
  document.title = "Quill";
  document.body.append(h("h1", {}, "Quill 2 (rich-text editor, snow theme)"), h("div", { style: "max-width:760px" }, h("div", { id: "editor" })));
  quill = new Quill("#editor", {
    theme: "snow",
    modules: {
      toolbar: [[{ header: [1, 2, 3, false] }], ["bold", "italic", "underline", "strike"], [{ color: [] }, { background: [] }],
        [{ list: "ordered" }, { list: "bullet" }], ["blockquote", "code-block"], ["link", "clean"]],
    },
  });
  quill.setContents([
    { insert: "Release notes" }, { insert: "\n", attributes: { header: 1 } },
    { insert: "This release brings " }, { insert: "faster sync", attributes: { bold: true } },
    { insert: ", an " }, { insert: "offline mode", attributes: { italic: true, underline: true } },
    { insert: " and a new " }, { insert: "changelog page", attributes: { link: "/changelog" } }, { insert: ".\n" },
    { insert: "Sync is incremental" }, { insert: "\n", attributes: { list: "bullet" } },
    { insert: "Conflicts are merged" }, { insert: "\n", attributes: { list: "bullet" } },
    { insert: "Quoted from the team" }, { insert: "\n", attributes: { blockquote: true } },
    { insert: "npm install app@4" }, { insert: "\n", attributes: { "code-block": "plain" } },
  ], "api");
}

function change() {
  const end = quill.getLength() - 1;
  quill.insertText(end, "\nKnown issues\n", "api");
  quill.formatLine(end + 1, 1, "header", 2, "api");
  const at = quill.getLength() - 1;
  quill.insertText(at, "Large files upload slowly", "api");
  quill.formatLine(at, 1, "list", "ordered", "api");
  quill.formatText(at, 11, { bold: true, color: "#e60000" }, "api");
  quill.formatText(0, 7, "background", "#ffff00", "api");
}

expose(build, change);
