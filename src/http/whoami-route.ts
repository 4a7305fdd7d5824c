// GET /api/whoami: the caller's token and what it sees, for the page after sign-in (SPEC
// §8: "the page shows the token's name and scope"). `name` is null for a token of
// REPORT_API_TOKENS and when no token is needed; `teams` lists the teams the caller may
// pick (its scope's, or every team for full access); nothing about agents.
import type { ServerResponse } from 'node:http';
import { visibleTeams } from '../access/scope.ts';
import type { Access } from './auth.ts';
import { sendJson } from './respond.ts';
import type { Context } from './context.ts';

export async function handleWhoami(ctx: Context, res: ServerResponse, access: Access): Promise<void> {
  sendJson(res, 200, {
    name: access.name,
    access: access.scope.full ? 'full' : 'teams',
    teams: await visibleTeams(ctx.readPool, access.scope),
  });
}
