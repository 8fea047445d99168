import type { Operations } from '../../http/operation.ts';
import { listCategories, createCategory, getCategory, updateCategory, deleteCategory } from './handlers.ts';

export const categoriesOperations = {
  listCategories: { run: listCategories, access: 'read' },
  createCategory: { run: createCategory, access: 'write' },
  getCategory: { run: getCategory, access: 'read' },
  updateCategory: { run: updateCategory, access: 'write' },
  deleteCategory: { run: deleteCategory, access: 'write' },
} as const satisfies Operations<'listCategories' | 'createCategory' | 'getCategory' | 'updateCategory' | 'deleteCategory'>;
