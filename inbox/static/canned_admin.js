// Admins' canned replies page: add, edit and delete through the JSON API, then reload.
"use strict";

(() => {
  const {api} = Inbox;
  const $ = (id) => document.getElementById(id);
  const error = $("canned-error");
  function fail(e) { error.textContent = e.message; error.classList.remove("hidden"); }

  function editing(row) {
    $("canned-id").value = row ? row.dataset.id : "";
    $("canned-shortcut").value = row ? row.dataset.shortcut : "";
    $("canned-title").value = row ? row.dataset.title : "";
    $("canned-body").value = row ? row.dataset.body : "";
    $("canned-form-title").textContent = row ? `Edit /${row.dataset.shortcut}` : "Add a canned reply";
    $("canned-save").textContent = row ? "Save" : "Add";
    $("canned-new").hidden = !row;
    if (row) $("canned-shortcut").focus();
  }

  $("canned-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = $("canned-id").value;
    const body = {shortcut: $("canned-shortcut").value, title: $("canned-title").value, body: $("canned-body").value};
    try {
      await api(id ? "PUT" : "POST", id ? `/api/v1/canned-replies/${Number(id)}` : "/api/v1/canned-replies", body);
      window.location.reload();
    } catch (e) { fail(e); }
  });
  $("canned-new").addEventListener("click", () => editing(null));
  $("canned-table").addEventListener("click", async (event) => {
    const row = event.target.closest("tr[data-id]");
    if (!row) return;
    if (event.target.classList.contains("edit")) editing(row);
    if (event.target.classList.contains("delete") && window.confirm(`Delete /${row.dataset.shortcut}?`)) {
      try { await api("DELETE", `/api/v1/canned-replies/${Number(row.dataset.id)}`); row.remove(); } catch (e) { fail(e); }
    }
  });
})();
