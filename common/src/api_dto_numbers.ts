import * as z from 'zod';

/** Number shapes the API bodies share (not part of the public exports). */
export const int = z.int();
export const epochMs = z.int().min(0);
