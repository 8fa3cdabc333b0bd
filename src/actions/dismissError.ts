import { appStore } from '../store/appStore';

export function dismissError(id: number): void {
  appStore.setState((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
}
