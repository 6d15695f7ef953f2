/** The workflows the worker runs; the bundle's entry point. */
export { quoteToCash } from './quote-to-cash';
export { receivableCollection } from './receivable-collection';
