// The console's only script besides htmx (no inline script: the Content-Security-Policy forbids it).
// Copy buttons: <button data-copy="text"> copies its text and says so.
document.addEventListener('click', function (event) {
  var button = event.target.closest('[data-copy]');
  if (!button) {
    return;
  }
  var text = button.getAttribute('data-copy');
  var done = function () {
    var before = button.textContent;
    button.textContent = 'Copied';
    setTimeout(function () { button.textContent = before; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    // plain-HTTP registries: select the text beside the button so Ctrl+C copies it
    var field = button.parentElement.querySelector('input, textarea, code');
    if (field && field.select) { field.select(); }
    done();
  }
});
// htmx sends the CSRF token with every state-changing request it makes
document.addEventListener('htmx:configRequest', function (event) {
  var token = document.querySelector('meta[name="_csrf"]');
  var header = document.querySelector('meta[name="_csrf_header"]');
  if (token && header) {
    event.detail.headers[header.content] = token.content;
  }
});
// CSP (found by ConsoleBrowserTest): htmx adds its indicator rules as an inline <style>, which
// style-src 'self' refuses with an error in the browser's console; the rules are in console.css
// instead. This runs before DOMContentLoaded, when htmx reads its configuration.
if (window.htmx) {
  htmx.config.includeIndicatorStyles = false;
}
