// The ask form, after htmx has posted a question: clear the box and drop the "No questions
// yet" line. A static file rather than an hx-on attribute, so the Content-Security-Policy
// needs no 'unsafe-eval' (htmx runs hx-on code through Function()).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (form.id !== "ask-form" || !event.detail.successful) return;
  form.reset();
  document.getElementById("empty-conversation")?.remove();
});

// A page with earlier exchanges opens at the question box, the latest answer just above it,
// rather than at the top of the conversation. A link to a part of the page wins.
document.addEventListener("DOMContentLoaded", () => {
  if (window.location.hash || !document.querySelector("#conversation .msg")) return;
  document.getElementById("ask-form")?.scrollIntoView({ block: "end" });
});
