"""Risk review: content a person must see before installing an agent, skill or command.

Every rule is a warning (the file still loads and may be fine); each names the line and
why it matters. They apply to every kind of file, generated or hand-written, because a
file's body is a system prompt or instructions Claude Code follows with the user's
permissions. The exact tests (text compared case-insensitively unless said):

- risk-pipe-to-shell: downloaded code run without being looked at. `curl` or `wget`
  then, later on the same line (within 500 characters), `|` and a shell (`sh`, `bash`,
  `zsh`, `dash`, `ksh`, `fish`, optionally after `sudo`) or an interpreter (`python`,
  `node`, `perl`, `ruby`, `php`) reading the script from its input (nothing after it
  but `-`, so `| python -m json.tool` is not one); a shell fed by `$(curl …)`,
  `<(curl …)` or backticks; PowerShell's `irm`/`iwr`/`Invoke-RestMethod`/
  `Invoke-WebRequest … | iex` and `iex (irm …)`/`iex (New-Object Net.WebClient)…`.
- risk-credential-send: credential material and a network send within two lines of
  each other. Credential material: paths under `~/` or `$HOME/` of `.ssh`, `.aws`,
  `.azure`, `.gnupg`, `.kube`, `.docker`, `.netrc`, `.npmrc`, `.pypirc`,
  `.git-credentials`, `.config/gcloud`, `.config/gh`; SSH private key names
  (`id_rsa`, `id_ed25519`, …); `.aws/credentials`; gcloud's
  `application_default_credentials.json`; a `.env` file (not `.env.example`,
  `.sample`, `.template`, `.dist`); an environment variable whose name holds TOKEN,
  SECRET, API_KEY/APIKEY, PASSWORD/PASSWD, ACCESS_KEY, PRIVATE_KEY or CREDENTIAL
  (`$GITHUB_TOKEN`, `${API_KEY}`, `process.env.…`, `os.environ[…]`, `os.getenv(…)`,
  `$env:…`); `printenv`. A network send: `curl` with `-d`/`--data…`/`-F`/`--form`/
  `-T`/`--upload-file`/`-X POST|PUT|PATCH`/an `Authorization` header; `wget
  --post-data|--post-file`; `nc`/`ncat`/`netcat`/`socat`/`scp`/`sftp`/`rsync` to a
  host; `requests.post|put`, `httpx.post|put`; `Invoke-WebRequest`/`Invoke-RestMethod`
  with `-Method Post|Put`; the words send, post, upload, exfiltrate, transmit, leak,
  forward, webhook.
- risk-override-instructions: "ignore", "disregard", "forget", "override", "bypass" or
  "do not follow", then optionally "all"/"any", "of", "the"/"your"/"my"/"these"/"those",
  then "previous", "prior", "earlier", "above", "preceding", "former", "original",
  "initial" or "system", then "instructions", "prompt(s)", "rules", "directions",
  "directives", "guidelines", "guidance", "constraints", "message(s)" or "context"
  (OWASP LLM01, prompt injection: https://genai.owasp.org/llmrisk/llm01-prompt-injection/).
- risk-hidden-content: text a reviewer reading the rendered markdown (GitHub, an editor
  preview) does not see, whatever the model is given (whether Claude Code 2.1.332 passes
  an agent body's HTML comments to the model was not established here; its CLAUDE.md
  loader handles them specially): an HTML comment `<!--` in the body's prose
  (not in a fenced code block or an inline code span, where it is shown as code), a
  markdown link-reference comment line (`[//]: # (…)`, `[x]: <> (…)`), or an HTML
  element with the `hidden` attribute or `display: none`.
- risk-invisible-character: a character that renders as nothing or reorders text,
  anywhere in the file: zero-width space/non-joiner/joiner, word joiner and invisible
  operators (U+200B-U+200D, U+2060-U+2064), bidirectional controls (U+200E, U+200F,
  U+061C, U+202A-U+202E, U+2066-U+2069; "Trojan Source", CVE-2021-42574), the byte order
  mark past the first character (U+FEFF), soft hyphen (U+00AD), Hangul and Mongolian
  fillers (U+115F, U+1160, U+180E, U+3164, U+FFA0), Unicode tag characters
  (U+E0000-U+E007F, used for "ASCII smuggling") and supplementary variation selectors
  (U+E0100-U+E01EF). A zero-width joiner between two non-ASCII characters (an emoji
  sequence such as 👩‍💻) is not one.
- risk-bypass-bash: `permissionMode: bypassPermissions` together with Bash, granted by
  name (`Bash`, `Bash(…)`) or by omitting `tools` (the agent then inherits every tool),
  and not taken away by `disallowedTools` (Claude Code sub-agents doc, "Permission
  modes": bypassPermissions skips permission prompts, so every shell command runs
  unasked).

Each rule reports at most MAX_PER_RULE lines of a file. The regular expressions start
with a word or literal and bound every repetition, so each costs linear time on any
input (tests/validator/test_risk.py checks 1 MiB files).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import islice
from typing import Any, NamedTuple

from lam_bot.validator.content import blank_fences
from lam_bot.validator.frontmatter import Document
from lam_bot.validator.model import Finding, warning

MAX_PER_RULE = 10
RISK_PREFIX = "risk-"
# Two lines either side: "read the key" and "send it" are usually adjacent.
CREDENTIAL_WINDOW = 2

# The expressions below run on lowercased text, one line at a time, and only on lines
# that hold one of their NEEDLES (a C-speed scan): prose without them costs almost nothing.
_DOWNLOADER = re.compile(r"\b(?:curl|wget|irm|iwr|invoke-restmethod|invoke-webrequest)\b")
_RUNNER = re.compile(
    r"\|[ \t]*(?:sudo[ \t]+)?(?:-[a-z]{1,3}[ \t]+)?(?:(?:ba|z|da|k|fi)?sh\b"
    r"|(?:python[0-9.]{0,4}|node|perl|ruby|php)(?:[ \t]+-)?[ \t]*(?:$|[;&|)\"'`])"
    r"|iex\b|invoke-expression\b)"
)
_SUBSTITUTED = re.compile(r"(?:\$\(|<\(|`)[ \t]*(?:curl|wget)\b")
_SHELL_WORD = re.compile(r"\b(?:(?:ba|z|da|k|fi)?sh|python[0-9.]{0,4}|node|perl|ruby|php)\b")
_IEX_CALL = re.compile(
    r"\b(?:iex|invoke-expression)[ \t]*\(?[ \t]*\(?[ \t]*(?:irm|iwr|invoke-restmethod"
    r"|invoke-webrequest|new-object[ \t]+(?:system\.)?net\.webclient)\b"
)
_PIPE_NEEDLES = ("curl", "wget", "irm", "iwr", "invoke-", "iex")
_CREDENTIAL_DIRS = (
    r"[/\\]\.(?:ssh|aws|azure|gnupg|kube|docker|netrc|npmrc|pypirc|git-credentials"
    r"|config[/\\](?:gcloud|gh))\b"
)
_SECRET_NAME = (
    r"[a-z0-9_]{0,40}"
    r"(?:token|secret|api_?key|apikey|passw(?:or)?d|access_key|private_key|credential)"
)
# Credential material, in two parts. Those starting with `~`, `$` or `%` are searched in
# the whole text: each expression begins with that literal, which the regex engine finds
# at C speed. The others only in lines holding one of _CREDENTIAL_WORD_NEEDLES. The two
# parts never match at the same place, so together they find what one alternation would.
_DOLLAR_CREDENTIAL = (
    rf"\$(?:home{_CREDENTIAL_DIRS}|\{{home\}}{_CREDENTIAL_DIRS}"
    rf"|\{{?{_SECRET_NAME}|env:{_SECRET_NAME})"
)
_CREDENTIAL_SIGILS = (
    ("~", re.compile("~" + _CREDENTIAL_DIRS)),
    ("%", re.compile("%userprofile%" + _CREDENTIAL_DIRS)),
    ("$", re.compile(_DOLLAR_CREDENTIAL)),
)
_CREDENTIAL_WORD = re.compile(
    r"\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.aws[/\\]credentials\b|\.git-credentials\b"
    r"|\bapplication_default_credentials\.json"
    r"|(?<![\w.-])\.env\b(?!\.(?:example|sample|template|dist)\b)"
    r"|(?:process\.env\.|os\.environ\[[\"']|os\.getenv\([\"'])" + _SECRET_NAME + r"|\bprintenv\b"
)
# Every match of _CREDENTIAL_WORD holds one of these: "env" stands for `.env`,
# `process.env.`, `os.environ[`, `os.getenv(` and `printenv`, "credentials" for the
# `.aws`, `.git-credentials` and gcloud files (each needle costs a scan of the text).
_CREDENTIAL_WORD_NEEDLES = ("id_", "credentials", "env")
# Case matters for curl's -d/-F/-T (-f, -t mean other things), so this one runs on the text.
_NETWORK_SEND = re.compile(
    r"\bcurl\b[^\n]{0,300}?(?:[ \t](?-i:-d|-F|-T)\b|--data|--form|--upload-file"
    r"|-X[ \t]*(?:post|put|patch)\b|--request[ \t]+(?:post|put|patch)\b|authorization:)"
    r"|\bwget\b[^\n]{0,300}?--post-(?:data|file)"
    r"|\b(?:nc|ncat|netcat|socat|scp|sftp|rsync)[ \t]+[^\n]{0,200}?[a-z0-9-]\.[a-z]{2,}"
    r"|\b(?:requests|httpx)\.(?:post|put)\b"
    r"|\binvoke-(?:webrequest|restmethod)\b[^\n]{0,300}?-method[ \t]+(?:post|put)\b"
    r"|\b(?:send|sends|sending|post|posting|upload|uploads|uploading|exfiltrate\w{0,3}"
    r"|transmit\w{0,4}|leak|leaks|leaking|forward|forwards|forwarding|webhooks?)\b",
    re.IGNORECASE,
)
_SEND_NEEDLES: tuple[str, ...] = (
    "curl",
    "wget",
    "nc",
    "socat",
    "scp",
    "sftp",
    "rsync",
    "requests.",
    "httpx.",
)
_SEND_NEEDLES += ("invoke-", "send", "post", "upload", "exfiltrat", "transmit", "leak")
_SEND_NEEDLES += ("forward", "webhook")
_OVERRIDE = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass|do[ \t]+not[ \t]+follow|don't[ \t]+follow)"
    r"[ \t]{1,4}(?:(?:all|any)[ \t]{1,4})?(?:of[ \t]{1,4})?"
    r"(?:(?:the|your|my|these|those)[ \t]{1,4})?"
    r"(?:previous|prior|earlier|above|preceding|former|original|initial|system)[ \t]{1,4}"
    r"(?:instructions?|prompts?|rules|directions|directives|guidelines|guidance|constraints"
    r"|messages?|context)\b"
)
_OVERRIDE_NEEDLES = ("ignore", "disregard", "forget", "override", "bypass", "follow")
_HIDDEN_MARKUP = re.compile(
    r"<!--|^[ \t]{0,3}\[[^\]\n]{1,100}\]:[ \t]{0,4}(?:#|<>)"
    r"|<[a-z][a-z0-9]{0,9}\b[^>\n]{0,200}?(?:[ \t]hidden\b|display:[ \t]*none)",
    re.MULTILINE,
)
_HIDDEN_NEEDLES = ("<!--", "]:", "hidden", "display")
# The farthest a tag's `<` stands before the blank or `display` that makes it hidden
# markup: `<`, a name of 1 to 10 characters, then at most 200 characters.
_TAG_REACH = 211
_HIDDEN_TAIL = re.compile(r"[ \t]hidden\b|display:[ \t]*none")
# A link-reference comment's end, found at C speed (the expression begins with `]`).
_LINK_COMMENT_END = re.compile(r"\]:[ \t]{0,4}(?:#|<>)")
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\u3164\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
_ZWJ = "\u200d"


def invisible_characters() -> re.Pattern[str]:
    """The characters risk-invisible-character reports, as one character class."""
    return _INVISIBLE


class _Line(NamedTuple):
    number: int  # 1-based
    start: int
    end: int


def check_risk(doc: Document) -> list[Finding]:
    """Risk findings for any file's text (see the module docstring for each test)."""
    text = doc.text
    lower = _lower(text)
    return [
        *_capped(_pipe_to_shell(lower) if _may_pipe(lower) else iter(())),
        *_capped(_credential_send(text, lower)),
        *_capped(_override(lower)),
        *_capped(_hidden_content(doc, lower)),
        *_capped(_invisible(text)),
        *_bypass_bash(doc),
    ]


def _lower(text: str) -> str:
    """`text` lowercased with every offset kept (U+0130 is the one character that grows)."""
    return text.lower() if text.isascii() else text.replace("\u0130", "I").lower()


def _lines_with(lower: str, needles: tuple[str, ...]) -> list[_Line]:
    """The lines of `lower` holding any of `needles`, in order."""
    spans = set()
    for needle in needles:
        at = lower.find(needle)
        while at >= 0:
            start = lower.rfind("\n", 0, at) + 1
            end = lower.find("\n", at)
            end = len(lower) if end < 0 else end
            spans.add((start, end))
            at = lower.find(needle, end)  # one look per line and needle
    lines, number, counted = [], 1, 0
    for start, end in sorted(spans):
        number += lower.count("\n", counted, start)  # each stretch counted once
        counted = start
        lines.append(_Line(number, start, end))
    return lines


def _capped(findings: Iterator[Finding]) -> list[Finding]:
    """The first MAX_PER_RULE findings."""
    return list(islice(findings, MAX_PER_RULE))


def _at(rule: str, line: _Line, at: int, message: str) -> Finding:
    return warning(line.number, at - line.start + 1, rule, message)


def _pipe_to_shell(lower: str) -> Iterator[Finding]:
    message = "downloaded code is run unseen (piped into a shell): review what it fetches"
    for line in _lines_with(lower, _PIPE_NEEDLES):
        at = _piped_at(lower, line)
        if at is not None:
            yield _at("risk-pipe-to-shell", line, at, message)


def _may_pipe(lower: str) -> bool:
    """A whole-text sieve: no line can pipe a download into a shell without these."""
    if "iex" in lower or "invoke-expression" in lower:
        return True
    if "curl" not in lower and "wget" not in lower:
        return False
    return _RUNNER.search(lower) is not None or any(s in lower for s in ("$(", "<(", "`"))


def _piped_at(lower: str, line: _Line) -> int | None:
    """Where the line pipes a download into a shell, or None."""
    start, end = line.start, line.end
    download = _DOWNLOADER.search(lower, start, end)
    if download and _RUNNER.search(lower, download.end(), end):
        return download.start()
    substituted = _SUBSTITUTED.search(lower, start, end)
    if substituted and _SHELL_WORD.search(lower, start, substituted.start()):
        return substituted.start()
    call = _IEX_CALL.search(lower, start, end)
    return call.start() if call else None


def _credential_send(text: str, lower: str) -> Iterator[Finding]:
    sends: bool | None = None  # looked for once, and only when credentials are named
    for line, match in _credentials(lower):
        if sends is None:
            sends = any(needle in lower for needle in _SEND_NEEDLES)
        if sends and _send_near(text, line):
            what = text[match.start() : match.end()]
            message = f"credential material ({what!r}) near a network send: it could leave"
            yield _at("risk-credential-send", line, match.start(), message + " the machine")


def _credentials(lower: str) -> list[tuple[_Line, re.Match[str]]]:
    """Each line naming credential material, with its first (leftmost) such match."""
    first: dict[int, re.Match[str]] = {}
    for sigil, pattern in _CREDENTIAL_SIGILS:
        if sigil in lower:  # one character: found at memchr's speed
            _keep_first(first, lower, pattern.finditer(lower))
    words = (
        _CREDENTIAL_WORD.search(lower, line.start, line.end)
        for line in _lines_with(lower, _CREDENTIAL_WORD_NEEDLES)
    )
    _keep_first(first, lower, (match for match in words if match))
    found, number, counted = [], 1, 0
    for start, match in sorted(first.items()):
        number += lower.count("\n", counted, start)  # each stretch counted once
        counted = start
        end = lower.find("\n", start)
        found.append((_Line(number, start, len(lower) if end < 0 else end), match))
    return found


def _keep_first(
    first: dict[int, re.Match[str]], lower: str, matches: Iterator[re.Match[str]]
) -> None:
    """Record in `first` (line start -> match) the first of `matches` (in text order) on
    each line, unless an earlier match on that line is there already. Each stretch of
    the text is looked through once, however many matches a line holds."""
    line_end = -1
    for match in matches:
        at = match.start()
        if at <= line_end:
            continue  # a later match on the line just recorded
        start = lower.rfind("\n", max(line_end, 0), at) + 1  # the last line's end at most
        end = lower.find("\n", at)
        line_end = len(lower) if end < 0 else end
        if start not in first or at < first[start].start():
            first[start] = match


def _send_near(text: str, line: _Line) -> bool:
    """True when a network send is within CREDENTIAL_WINDOW lines of `line`."""
    start, end = line.start, line.end
    for _ in range(CREDENTIAL_WINDOW):
        start = text.rfind("\n", 0, max(start - 1, 0)) + 1 if start else 0
        following = text.find("\n", end + 1)
        end = len(text) if following < 0 or end >= len(text) else following
    return _NETWORK_SEND.search(text, start, end) is not None


def _override(lower: str) -> Iterator[Finding]:
    for line in _lines_with(lower, _OVERRIDE_NEEDLES):
        match = _OVERRIDE.search(lower, line.start, line.end)
        if match:
            message = f"tells the model to {match.group()!r} (prompt injection)"
            yield _at("risk-override-instructions", line, match.start(), message)


def _hidden_content(doc: Document, lower: str) -> Iterator[Finding]:
    body = doc.body
    # A sieve on the whole text first (`lower` is it lowercased): markup needs a `<` and
    # one of three words, a link-reference comment a `]` and its end. Most bodies have
    # neither, and are neither fence-blanked nor lowercased again.
    tags = "<" in body and ("<!--" in lower or "hidden" in lower or "display" in lower)
    if not tags and not ("]" in body and _LINK_COMMENT_END.search(body)):
        return
    prose = _lower(blank_fences(body))
    for line in _lines_with(prose, _HIDDEN_NEEDLES):
        at = _hidden_at(prose, line.start, line.end)
        if at is not None:
            what = "an HTML comment" if prose.startswith("<!--", at) else "hidden markup"
            message = f"{what} in the body: the rendered page hides it from a reviewer"
            line = line._replace(number=doc.body_line + line.number - 1)
            yield _at("risk-hidden-content", line, at, message)


def _hidden_at(text: str, start: int, end: int) -> int | None:
    """Where _HIDDEN_MARKUP first matches in the line text[start:end] outside an inline
    code span (an even number of backticks before it), or None.

    It is tried only where a match can begin: the line's start, each `<!--`, and each
    `<` within _TAG_REACH of a `hidden` or `display` that could end it. Matches follow
    one another as `finditer` gives them, but a line of many tags costs linear time.
    """
    starts = {start, *_all(text, "<!--", start, end)}
    reached = start  # the `<`s before this are collected already
    for tail in sorted(_tails(text, start, end)):
        low, high = max(tail - _TAG_REACH, reached), tail + 1
        starts.update(_all(text, "<", low, high))
        reached = max(reached, high)
    ticks, seen, resume = 0, start, start
    for position in sorted(starts):
        match = None if position < resume else _HIDDEN_MARKUP.match(text, position, end)
        if match is None:
            continue
        ticks += text.count("`", seen, position)
        seen, resume = position, match.end()
        if not ticks % 2:
            return position
    return None


def _tails(text: str, start: int, end: int) -> Iterator[int]:
    """Where a hidden-markup tag can end in the line text[start:end]: each blank before
    `hidden` and each `display:` that says `none` (what _HIDDEN_MARKUP's tag ends with)."""
    for at in _all(text, "hidden", start, end):
        if at > start and text[at - 1] in " \t" and _HIDDEN_TAIL.match(text, at - 1, end):
            yield at - 1
    for at in _all(text, "display", start, end):
        if _HIDDEN_TAIL.match(text, at, end):
            yield at


def _all(text: str, needle: str, start: int, end: int) -> Iterator[int]:
    """The offsets of `needle` in text[start:end], left to right, not overlapping."""
    at = text.find(needle, start, end)
    while at >= 0:
        yield at
        at = text.find(needle, at + len(needle), end)


def _invisible(text: str) -> Iterator[Finding]:
    match = None if text.isascii() else _INVISIBLE.search(text)  # isascii() costs nothing
    while match:
        at, char = match.start(), match.group()
        if (char == "\ufeff" and at == 0) or (char == _ZWJ and _joins_emoji(text, at)):
            match = _INVISIBLE.search(text, at + 1)  # a byte order mark, an emoji sequence
            continue
        end = text.find("\n", at)
        match = None if end < 0 else _INVISIBLE.search(text, end)  # one finding per line
        line = text.count("\n", 0, at) + 1
        col = at - text.rfind("\n", 0, at)
        name = unicodedata.name(char, "unnamed")
        message = f"invisible character U+{ord(char):04X} ({name}): it hides or reorders text"
        yield warning(line, col, "risk-invisible-character", message)


def _joins_emoji(text: str, at: int) -> bool:
    return 0 < at < len(text) - 1 and ord(text[at - 1]) > 0x2000 and ord(text[at + 1]) > 0x2000


def _bypass_bash(doc: Document) -> list[Finding]:
    mode = doc.fields.get("permissionMode")
    if mode is None or mode.value != "bypassPermissions":
        return []
    tools = doc.fields.get("tools")
    denied = doc.fields.get("disallowedTools")
    if denied is not None and "Bash" in _tool_names(denied.value):
        return []
    if tools is not None and not any(
        name == "Bash" or name.startswith("Bash(") for name in _tool_names(tools.value)
    ):
        return []
    how = "every tool (no `tools` list)" if tools is None else "Bash"
    message = f"`bypassPermissions` with {how}: any shell command runs without asking"
    return [warning(mode.line, mode.col, "risk-bypass-bash", message)]


def _tool_names(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        return []
    return [item.strip() for item in items if isinstance(item, str)]
