// Opening a sign-in link in a browser signs in at once; a link previewer runs no script, so it
// never uses the link up (bot/console/auth.py).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("signin-link");
  if (form) { form.submit(); }
});
