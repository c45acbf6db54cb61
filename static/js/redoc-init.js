/* Starts Redoc on /api/redoc/ (drf-spectacular's page does this in an inline script, which the
   Content-Security-Policy refuses). Redoc's styled-components add <style> elements: they carry
   this script's nonce, the only inline style the page's policy allows. A nonce attribute reads
   back empty in the DOM, so it is taken from this script element's `nonce` property. */
(function () {
  "use strict";

  /* Redoc's sidebar credit shows Redocly's logo from their CDN, which this page's policy (only
     this site's files) would refuse with a console error: external image URLs are skipped. */
  function external(url) {
    url = String(url);
    return /^(https?:)?\/\//i.test(url) && url.indexOf(window.location.origin + "/") !== 0;
  }
  var setAttribute = Element.prototype.setAttribute;
  HTMLImageElement.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "src" && external(value)) return undefined;
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) { if (!external(value)) src.set.call(this, value); }
  });

  var container = document.getElementById("redoc-container");
  if (!container || !window.Redoc) return;
  var nonce = document.currentScript ? document.currentScript.nonce : "";
  window.Redoc.init(container.getAttribute("data-spec-url"), { nonce: nonce }, container);
})();
