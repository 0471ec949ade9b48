// The object list: selection, hidden objects, isolation, and the side panel that shows them.

function rgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16 & 255) / 255, (v >> 8 & 255) / 255, (v & 255) / 255];
}

export class ObjectPanel {
  constructor(objects, splats, changed) {
    this.objects = objects;
    this.changed = changed;
    this.hidden = new Set();
    this.selection = new Set();
    // Every id the Gaussians carry, 0 (no object) included: the id pass's candidates.
    this.presentIDs = [...new Set(splats.ids)].sort((a, b) => a - b);
    this.list = document.getElementById("objects");
    this.#render();
  }

  selected() { return [...this.selection].sort((a, b) => a - b); }
  hiddenIDs() { return [...this.hidden].sort((a, b) => a - b); }

  select(ids, add = false) {
    if (!add) this.selection.clear();
    ids.forEach((id) => this.selection.add(id));
    this.#update();
  }

  hideSelected() { this.selection.forEach((id) => this.hidden.add(id)); this.selection.clear(); this.#update(); }
  isolateSelected() {
    if (this.selection.size === 0) return;
    this.hidden = new Set(this.presentIDs.filter((id) => !this.selection.has(id)));
    this.#update();
  }
  showAll() { this.hidden.clear(); this.#update(); }
  toggleHidden(id) { if (!this.hidden.delete(id)) this.hidden.add(id); this.#update(); }

  // Visible candidate ids for picking, ascending.
  pickCandidates() { return this.presentIDs.filter((id) => !this.hidden.has(id)); }

  // id → {color, hidden, selected} for the renderer.
  state() {
    const state = new Map();
    for (const id of this.presentIDs) state.set(id, { color: [0.5, 0.5, 0.5], hidden: this.hidden.has(id), selected: false });
    for (const o of this.objects) {
      state.set(o.id, { color: rgb(o.color), hidden: this.hidden.has(o.id), selected: this.selection.has(o.id) });
    }
    return state;
  }

  #update() { this.#render(); this.changed(); }

  #render() {
    this.list.replaceChildren(...this.objects.map((o) => {
      const item = document.createElement("li");
      item.dataset.id = o.id;
      item.classList.toggle("selected", this.selection.has(o.id));
      item.classList.toggle("hidden", this.hidden.has(o.id));
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = o.color;
      const name = document.createElement("span");
      name.textContent = `${o.id}${o.name ? ` ${o.name}` : ""}${o.parent ? ` (split from ${o.parent})` : ""}`;
      const count = document.createElement("span");
      count.className = "count";
      count.textContent = `${o.gaussians.toLocaleString()} G`;
      const eye = document.createElement("button");
      eye.textContent = this.hidden.has(o.id) ? "show" : "hide";
      eye.onclick = (event) => { event.stopPropagation(); this.toggleHidden(o.id); };
      item.append(swatch, name, count, eye);
      item.onclick = (event) => this.select([o.id], event.shiftKey);
      return item;
    }));
    if (this.objects.length === 0) this.list.textContent = "This model has no objects.";
  }
}
