/**
 * The templates shipped with Takoss, in a stable order: the planner first, then the task
 * categories in the order of `TASK_CATEGORIES`, then the repair template. Seeding and the
 * CLI list them in this order, so append new templates to their category's list.
 */
import type { BuiltinTemplate } from '../types';
import { BACKEND_TEMPLATES } from './backend';
import { DATABASE_TEMPLATES } from './database';
import { DECOMPOSER_TEMPLATES } from './decomposer';
import { DEVOPS_TEMPLATES } from './devops';
import { DOCS_TEMPLATES } from './docs';
import { FRONTEND_TEMPLATES } from './frontend';
import { TESTING_TEMPLATES } from './testing';
import { VERIFY_TEMPLATES } from './verify';

export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = [
  ...DECOMPOSER_TEMPLATES,
  ...FRONTEND_TEMPLATES,
  ...BACKEND_TEMPLATES,
  ...DATABASE_TEMPLATES,
  ...TESTING_TEMPLATES,
  ...DEVOPS_TEMPLATES,
  ...DOCS_TEMPLATES,
  ...VERIFY_TEMPLATES,
];
