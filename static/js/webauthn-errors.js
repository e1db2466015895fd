// django-allauth's WebAuthn script reports a failed or cancelled ceremony as an
// "allauth.error" event and otherwise only logs it: show the page's message instead.
document.addEventListener('allauth.error', function (event) {
  const message = document.getElementById('webauthn-error')
  if (message) {
    event.preventDefault()
    message.hidden = false
    message.focus()
  }
})
