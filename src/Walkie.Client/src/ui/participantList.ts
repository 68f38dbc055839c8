import type { AppState } from '../store';

/**
 * The "Participants" list. Items are kept by participant id and updated in place, so a volume slider being dragged
 * survives the re-renders that every floor change causes.
 */
export class ParticipantList {
  constructor(
    private readonly list: HTMLUListElement,
    private readonly setVolume: (participantId: string, volume: number) => void,
  ) {}

  render(s: AppState): void {
    const queue = s.floor.queue.map((p) => p.id);
    const everyone = [...(s.self ? [s.self] : []), ...s.others];
    const existing = new Map([...this.list.children].map((li) => [(li as HTMLElement).dataset['id'], li as HTMLLIElement]));
    const items = everyone.map((p) => {
      const isSelf = p.id === s.self?.id;
      const li = existing.get(p.id) ?? this.create(p.id, p.name, isSelf);
      const talking = s.floor.holder?.id === p.id;
      const place = queue.indexOf(p.id);
      const status = li.querySelector<HTMLElement>('.badge')!;
      const away = s.away.includes(p.id);
      status.textContent = away ? 'reconnecting…' : talking ? 'talking' : place >= 0 ? `waiting ${place + 1}` : '';
      status.className = `badge ${away ? 'badge-away' : talking ? 'badge-talking' : place >= 0 ? 'badge-queued' : ''}`;
      li.dataset['away'] = String(away);
      li.dataset['talking'] = String(talking);
      return li;
    });
    const sameOrder = items.length === this.list.children.length && items.every((li, i) => this.list.children[i] === li);
    if (!sameOrder) {
      this.list.replaceChildren(...items);
    }
  }

  private create(id: string, name: string, isSelf: boolean): HTMLLIElement {
    const li = document.createElement('li');
    li.dataset['id'] = id;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = name;
    // Long names are cut short on screen; the full one stays in the text (for screen readers) and on hover.
    who.title = name;
    // One line for who and what they are doing; the volume slider goes under it.
    const line = document.createElement('div');
    line.className = 'line';
    line.append(who);
    if (isSelf) {
      const you = document.createElement('span');
      you.className = 'you';
      you.textContent = '(you)';
      line.append(you);
    }
    const status = document.createElement('span');
    status.className = 'badge';
    line.append(status);
    li.append(line);
    if (!isSelf) {
      const volume = document.createElement('input');
      volume.type = 'range';
      volume.min = '0';
      volume.max = '1';
      volume.step = '0.05';
      volume.value = '1';
      volume.className = 'volume';
      volume.setAttribute('aria-label', `Volume for ${name}`);
      volume.addEventListener('input', () => this.setVolume(id, Number(volume.value)));
      li.append(volume);
    }
    return li;
  }
}
