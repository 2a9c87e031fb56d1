// 返回上一页 on the error pages: the browser's own history when there is one (it keeps the
// form the user was on); without JavaScript or history the link's href still leads back.
document.querySelectorAll("[data-history-back]").forEach(function (link) {
  link.addEventListener("click", function (event) {
    if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
});
