// The ask form, after htmx has posted a question: clear the box and drop the "No questions
// yet" line. A static file rather than an hx-on attribute, so the Content-Security-Policy
// needs no 'unsafe-eval' (htmx runs hx-on code through Function()).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (form.id !== "ask-form" || !event.detail.successful) return;
  form.reset();
  document.getElementById("empty-conversation")?.remove();
});
