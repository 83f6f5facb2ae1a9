// @ts-check
// The app's menus. Shape "portal" (the default) is Radix's: each menu a `role="menu"` element portaled to <body>,
// its trigger carrying `aria-haspopup`, `aria-expanded` and `aria-controls` (= the menu's id), submenus opening to
// the left of their parent. Shape "inline" puts the items, plain `role="menuitem"` elements, inside the trigger's
// own row, with no menu element and no `aria-controls`.
//
// In both, **a pointer click on a submenu item does nothing** (on the real app it lands on <html> once the submenu
// opens to the left); focusing the item and pressing Enter picks it, and ArrowRight opens a submenu.
let menuCount = 0;
const openTriggers = new Set();
function closeMenus(fromLevel = 0) {
  const menus = /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-menu-level]"));
  for (const menu of menus) if (Number(menu.dataset.menuLevel) >= fromLevel) menu.remove();
  for (const trigger of [...openTriggers]) {
    if (Number(trigger.dataset.triggerLevel || 0) < fromLevel) continue;
    trigger.setAttribute("aria-expanded", "false");
    trigger.dataset.state = "closed";
    openTriggers.delete(trigger);
  }
}
document.addEventListener("click", (event) => {
  const target = /** @type {Element} */ (event.target);
  if (!target.closest("[data-menu-level]") && !target.closest("[aria-expanded=true]")) closeMenus();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.querySelector("[data-menu-level]")) closeMenus();
});

/**
 * Opens a menu of entries for a trigger; returns the element that holds the items.
 * @param {HTMLElement} trigger
 * @param {MenuEntry[]} entries
 * @param {number} [level] 0 for a menu, 1 for its submenu
 * @param {"portal" | "inline"} [shape]
 * @returns {HTMLElement}
 */
function openMenu(trigger, entries, level = 0, shape = FLOW.menuShape) {
  closeMenus(level);
  const portal = shape === "portal";
  const menu = document.createElement("div");
  menu.dataset.menuLevel = String(level);
  if (portal) {
    menuCount += 1;
    menu.id = `radix-menu-${menuCount}`;
    menu.setAttribute("role", "menu");
    menu.setAttribute("aria-orientation", "vertical");
    menu.dataset.state = "open";
    menu.tabIndex = -1;
    const box = trigger.getBoundingClientRect();
    menu.style.top = `${box.top + window.scrollY + (level === 0 ? box.height + 4 : 0)}px`;
    menu.style.left = `${Math.max(4, box.left + window.scrollX - (level === 0 ? 0 : 196))}px`;
    trigger.setAttribute("aria-controls", menu.id);
  } else {
    menu.className = "inline-menu";
  }
  trigger.setAttribute("aria-expanded", "true");
  trigger.dataset.state = "open";
  trigger.dataset.triggerLevel = String(level);
  openTriggers.add(trigger);
  for (const entry of entries) {
    const item = document.createElement("div");
    item.setAttribute("role", "menuitem");
    item.tabIndex = -1;
    item.textContent = entry.label;
    if (entry.submenu) {
      item.setAttribute("aria-haspopup", "menu");
      item.setAttribute("aria-expanded", "false");
    }
    const openSubmenu = () => {
      const sub = openMenu(item, entry.submenu, level + 1, shape);
      focusFirstItem(sub);
    };
    const pick = () => {
      closeMenus();
      if (entry.action) entry.action();
    };
    item.addEventListener("click", (event) => {
      event.stopPropagation();
      if (level > 0 && event.detail > 0) return; // a pointer click on a submenu item does nothing
      if (entry.submenu) openSubmenu();
      else pick();
    });
    if (entry.submenu && portal)
      item.addEventListener("pointerenter", () => {
        if (item.getAttribute("aria-expanded") !== "true") openMenu(item, entry.submenu, level + 1, shape);
      });
    item.addEventListener("keydown", (event) => {
      const items = /** @type {HTMLElement[]} */ ([...menu.querySelectorAll(":scope > [role=menuitem]")]);
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        event.stopPropagation();
        if (entry.submenu) openSubmenu();
        else pick();
      } else if (event.key === "ArrowRight" && entry.submenu) {
        event.preventDefault();
        openSubmenu();
      } else if (event.key === "ArrowLeft" && level > 0) {
        event.preventDefault();
        closeMenus(level);
        trigger.focus();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        items[(items.indexOf(item) + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length].focus();
      }
    });
    menu.append(item);
  }
  if (portal) document.body.append(menu);
  else (trigger.closest("[data-row]") || trigger.parentElement).append(menu);
  return menu;
}

/** Focuses a menu's first item, as Radix does when a menu opens from the keyboard. */
function focusFirstItem(menu) {
  /** @type {HTMLElement} */ (menu.querySelector("[role=menuitem]")).focus();
}

/**
 * Where a page shows the clips a stem split made (the library and the studio set it); elsewhere they show nowhere.
 * @type {(clips: Clip[]) => void}
 */
// biome-ignore lint/style/useConst: the library and studio pages' own scripts replace it
let showNewClips = () => {};

function filenameOf(disposition, fallback) {
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
  if (utf8) return decodeURIComponent(utf8[1]);
  const plain = /filename="([^"]+)"/i.exec(disposition || "");
  return plain ? plain[1] : fallback;
}
// A song's "More options" menu. Download asks the server's transcode with the Bearer token and saves the blob.
function songMenu(button, clip) {
  const download = (format) => async () => {
    const response = await api(`/__api/download/audio/${clip.id}?format=${format}`);
    if (!response.ok) {
      showAlert("Download failed. Please try again.");
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = filenameOf(response.headers.get("content-disposition"), `${clip.title}.${format}`);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  };
  const splitStems = async () => {
    const jobId = await submitGeneration("/__api/producer/tool-call", {
      conversation_id: await conversationId(),
      part: {
        tool_name: "audio__split_stems",
        args: { clip_id: clip.id },
        part_kind: "tool-call",
        tool_call_id: newToolCallId(),
      },
      client_context: {},
    });
    if (!jobId) return;
    showNotice(`Splitting stems of ${clip.title}…`);
    follow(jobId, { onClips: (clips) => showNewClips(clips) });
  };
  const remix = ["Start session", "Cover", "Replace", "Extend", "Use prompt", "Variation", "Trim"].map((label) => ({
    label,
  }));
  const menu = openMenu(button, [
    { label: "Remix", submenu: remix },
    {
      label: "Download",
      submenu: [
        { label: "M4A", action: download("m4a") },
        { label: "MP3", action: download("mp3") },
        { label: "WAV", action: download("wav") },
      ],
    },
    { label: "Split stems", action: splitStems },
    { label: "Share" },
    { label: "Add to playlist" },
  ]);
  focusFirstItem(menu);
}
