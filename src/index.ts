export { CuckooError } from './errors.js';
