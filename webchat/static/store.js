/* Demo store page: "Ask about this" opens the chat with a question drafted. */
document.addEventListener("click", function (event) {
  const button = event.target.closest("button.ask");
  if (!button || !window.NorthwindChat || !window.NorthwindChat.open) return;
  window.NorthwindChat.open("Is the " + button.dataset.product + " in stock?");
});
