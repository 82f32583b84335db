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

  function start() {
    if (!addonPage()) {
      return;
    }
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
