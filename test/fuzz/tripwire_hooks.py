"""Schemathesis hooks for `make fuzz-api` (test/fuzz/run.py loads them through SCHEMATHESIS_HOOKS).

- Roles: each request is sent as one of the fixture users (TRIPWIRE_FUZZ_TOKENS: role -> session token, plus
  "anonymous", no session), named in the X-Tripwire-Fuzz-Role header so a failure's curl line says who sent it.
  Generated cases draw the role (so a failing case keeps it when replayed); cases of the coverage phase, which
  no generation hook sees, take the roles in turn per operation. Every (operation, role, status) goes to
  TRIPWIRE_FUZZ_SEEN, from which run.py checks that each operation was tried as each role.
- The check `error_is_json_with_code`: every 4xx/5xx answer is the API's error body, JSON
  {"error": {"code": <one of common/src/errors.ts errorCodes>, "message": str}}.
- Ids that exist in the seeded world (TRIPWIRE_FUZZ_IDS, printed by test/conformance/cmd/apiserve): path
  parameters, the autocomplete's channel_id and the team, channel and rule ids of bodies are either what
  schemathesis generated or one of them (drawn, or in turn for coverage cases), so requests get past "not found"
  into the handlers, including ids that outlived what they name (archived and deleted channels, a deleted rule).
  Inbound URLs and the response_url also get valid messages, so they get as far as posting.
"""

import itertools
import json
import os
import threading

import schemathesis
from hypothesis import strategies as st

# The error codes the document declares (common/src/errors.ts errorCodes, through server/openapi.json).
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "server", "openapi.json"), encoding="utf-8") as _f:
    ERROR_CODES = set(json.load(_f)["components"]["schemas"]["ApiError"]["properties"]["error"]["properties"]["code"]["enum"])

IDS = json.loads(os.environ.get("TRIPWIRE_FUZZ_IDS", "{}"))
TOKENS_BY_ROLE = {**json.loads(os.environ.get("TRIPWIRE_FUZZ_TOKENS", "{}")), "anonymous": ""}
ROLES = sorted(TOKENS_BY_ROLE)
ROLE_HEADER = "X-Tripwire-Fuzz-Role"
SEEN_PATH = os.environ.get("TRIPWIRE_FUZZ_SEEN")
_lock = threading.Lock()
_turns = {}  # operation label -> round-robin counter for cases that drew no role


def _known(*names):
    return [IDS[n] for n in names if IDS.get(n)]


# Path parameter name -> ids that exist (the token depends on the route).
KNOWN = {
    "ruleId": _known("ruleId", "teamRuleId", "personalRuleId", "archivedRuleId", "orphanRuleId", "deletedRuleId"),
    "endpointId": _known("endpointId"),
    "deliveryId": _known("deliveryId"),
    "channelId": _known("channelId", "privateChannelId", "dmChannelId", "archivedChannelId", "goneChannelId"),
    "teamId": _known("teamId"),
}
TOKENS = {
    "/in/{token}": _known("inboundToken", "archivedInboundToken", "orphanInboundToken", "deletedInboundToken"),
    "/r/{token}": _known("responseToken"),
}


@schemathesis.check
def error_is_json_with_code(ctx, response, case):
    """Every error answer is JSON with an error code the API documents."""
    if response.status_code < 400:
        return None
    ctype = response.headers.get("content-type", [""])
    ctype = ctype[0] if isinstance(ctype, list) else ctype
    if not ctype.lower().startswith("application/json"):
        raise AssertionError(f"error {response.status_code} is not JSON (Content-Type: {ctype!r}): {response.content[:200]!r}")
    try:
        body = json.loads(response.content)
    except ValueError as err:
        raise AssertionError(f"error {response.status_code} body is not valid JSON ({err}): {response.content[:200]!r}")
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or error.get("code") not in ERROR_CODES or not isinstance(error.get("message"), str):
        raise AssertionError(f"error {response.status_code} has no {{error: {{code, message}}}} with a known code: {response.content[:200]!r}")
    return None


def _maybe(value, choices):
    return st.sampled_from([value, *choices]) if choices else st.just(value)


@schemathesis.hook
def flatmap_path_parameters(ctx, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    path = ctx.operation.path if ctx.operation is not None else ""
    strategies = {}
    for name, value in path_parameters.items():
        choices = TOKENS.get(path, []) if name == "token" else KNOWN.get(name, [])
        strategies[name] = _maybe(value, choices)
    return st.fixed_dictionaries(strategies)


@schemathesis.hook
def flatmap_query(ctx, query):
    if not query or "channel_id" not in query:
        return st.just(query)
    def with_channel(channel_id):
        return {**query, "channel_id": channel_id}

    return _maybe(query["channel_id"], KNOWN["channelId"]).map(with_channel)


@schemathesis.hook
def flatmap_headers(ctx, headers):
    def as_role(role):
        return {**(headers or {}), ROLE_HEADER: role}

    return st.sampled_from(ROLES).map(as_role)


@schemathesis.hook
def before_call(ctx, case, kwargs):
    headers = case.headers if case.headers is not None else {}
    role = headers.get(ROLE_HEADER)
    if role not in TOKENS_BY_ROLE:
        # A coverage-phase case: no generation hook saw it. Take the roles, and the known ids, in turn.
        with _lock:
            turn = next(_turns.setdefault(case.operation.label, itertools.count()))
        role = ROLES[turn % len(ROLES)]
        _use_known_ids(case, turn)
        headers = case.headers if case.headers is not None else headers
    headers[ROLE_HEADER] = role
    headers.pop("Authorization", None)
    if TOKENS_BY_ROLE[role]:
        headers["Authorization"] = "Bearer " + TOKENS_BY_ROLE[role]
    case.headers = headers


def _use_known_ids(case, turn):
    """What the flatmap hooks do for generated cases, in turn instead of drawn: turn 0 keeps the case as it is."""
    params = case.path_parameters
    if params:
        for name, value in list(params.items()):
            choices = [value, *(TOKENS.get(case.operation.path, []) if name == "token" else KNOWN.get(name, []))]
            params[name] = choices[(turn // len(ROLES)) % len(choices)]
    if isinstance(case.body, dict) and turn % 2 == 1:
        case.body = _realistic(case.body)
    if case.operation.path in TOKENS and turn % 2 == 1:
        case.body = {**(case.body if isinstance(case.body, dict) else {}), "text": "fuzz"}
    # Now and then a body that says it is compressed and is not: the client's fault, a 400, never a 500.
    if case.body is not None and turn % 13 == 6:
        case.headers = {**(case.headers or {}), "Content-Encoding": "gzip"}


@schemathesis.hook
def after_call(ctx, case, response):
    if not SEEN_PATH:
        return
    line = json.dumps([case.operation.label, (case.headers or {}).get(ROLE_HEADER, ""), response.status_code])
    with _lock, open(SEEN_PATH, "a", encoding="utf-8") as f:
        f.write(line + "\n")


# Body fields naming things that exist, by key; a realistic body has them replaced (the first id of each list).
_BODY_IDS = {
    "teamId": _known("teamId"),
    "team_id": _known("teamId"),
    "channelIds": _known("channelId"),
    "channel_id": _known("channelId"),
    "rule_ids": _known("ruleId", "teamRuleId"),
}


def _realistic(value):
    """The body with ids that exist where its keys name teams, channels and rules."""
    if isinstance(value, list):
        return [_realistic(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        known = _BODY_IDS.get(key)
        if known and isinstance(v, list):
            out[key] = known[: max(1, min(len(v), len(known)))]
        elif known and isinstance(v, str):
            out[key] = known[0]
        else:
            out[key] = _realistic(v)
    return out


@schemathesis.hook
def flatmap_body(ctx, body):
    """Half of the bodies name real teams, channels and rules; posts to an inbound URL or a response_url sometimes
    carry a valid message, so they get as far as posting."""
    choices = [body, _realistic(body)]
    path = ctx.operation.path if ctx.operation is not None else ""
    if path in TOKENS and isinstance(body, dict):
        choices += [{"text": "fuzz"}, {**body, "text": "fuzz"}]
    return st.sampled_from(choices)
