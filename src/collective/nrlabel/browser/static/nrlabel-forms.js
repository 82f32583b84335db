/* collective.nrlabel: the add-on's forms are checked by the server.
 *
 * A browser checks "required", "type=email", "min"... itself and shows its own
 * bubble ("Please fill out this field.") in the browser's language, not the
 * page's. On the add-on's pages (its content types, their add and edit forms,
 * its @@nr- views and control panel) forms get "novalidate": the server then
 * names the missing or wrong field, in the user's language, next to it.
 */
(function () {
  "use strict";

  var ADDON_PAGE =
    /(^|\s)(portaltype-nr_|template-nr-|template-nr_|template-nrlabel)/;

  function addonPage() {
    return (
      ADDON_PAGE.test(document.body.className) ||
      /\/\+\+add\+\+nr_/.test(window.location.pathname)
    );
  }

  function skipBrowserChecks(form) {
    if (form && form.tagName === "FORM") {
      form.noValidate = true;
    }
  }

  // Plone's file and rich-text widgets leave controls without a name for screen
  // readers: the file input (its <label> points at the widget's <span>), the
  // text-format select, and the note's textarea (TinyMCE gives it a new id, so
  // its <label> no longer points at it). Name them after their field's label.
  function nameUnlabelledControls() {
    var controls = document.querySelectorAll(
      ".field input[type=file], .field select[id$='_text_format'], " +
        ".field textarea.richTextWidget"
    );
    Array.prototype.forEach.call(controls, function (control) {
      var label = control.closest(".field").querySelector("label");
      var named = control.tagName !== "TEXTAREA" && control.labels.length;
      if (!label || named || control.getAttribute("aria-label")) {
        return;
      }
      var name = label.textContent.trim();
      if (control.tagName === "SELECT") {
        name += " (format)";
      }
      control.setAttribute("aria-label", name);
    });
  }

  function start() {
    if (!addonPage()) {
      return;
    }
    nameUnlabelledControls();
    Array.prototype.forEach.call(document.forms, skipBrowserChecks);
    // Forms added later (modals, patterns): a submit button's click comes
    // before the browser's check, Enter in a field clicks the default button.
    document.addEventListener(
      "click",
      function (event) {
        var button = event.target.closest
          ? event.target.closest("button, input[type=submit]")
          : null;
        if (button) {
          skipBrowserChecks(button.form);
        }
      },
      true
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
