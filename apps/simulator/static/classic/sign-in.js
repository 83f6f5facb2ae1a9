// @ts-check
// The 2025 page's sign-in form: posts the email and password, then goes where `next` says; shows the refusal.
document.getElementById("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(/** @type {HTMLFormElement} */ (event.target));
  // Text fields only: URLSearchParams takes such a FormData as it is (the DOM types do not say so).
  const response = await fetch("/auth/sign-in", {
    method: "POST",
    body: new URLSearchParams(/** @type {any} */ (form)),
  });
  if (response.ok) {
    location.href = String(form.get("next") || "/create");
    return;
  }
  const message = (await response.json()).error || "Sign-in failed";
  document.getElementById("sign-in-error").innerHTML = `<p role="alert">${message}</p>`;
});
