/**
 * The import worker: reads archives' directories, plans the import and inflates the entries it keeps, so a zip of
 * tens of thousands of entries or a zip bomb never blocks the page. Cancelling an import terminates it. Exposed
 * with comlink.
 */
import * as Comlink from 'comlink';
import { ArchiveImporter } from './archiveImporter';

Comlink.expose(new ArchiveImporter());
