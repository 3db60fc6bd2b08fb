// Collects problems as "<file>: <where>: <problem>" and warnings; the entry point prints them and sets the exit code.
export class Report {
  errors = [];
  warnings = [];
  notes = [];
  /** Config files found in manifests, for the server's own loader (--cli): { kind: Moltnet | MoltnetNode, display, text, env: names }. */
  configs = [];

  error(file, where, message) {
    this.errors.push(where ? `${file}: ${where}: ${message}` : `${file}: ${message}`);
  }

  warn(file, where, message) {
    this.warnings.push(where ? `${file}: ${where}: ${message}` : `${file}: ${message}`);
  }

  /** A check that passed, said once so the log shows what was compared. */
  note(message) {
    this.notes.push(message);
  }
}
