"""The SQLite index: articles, their quotes and speakers, one transaction per article.

The schema is versioned in the `meta` table. An article is replaced whole
(its old quotes deleted and the new ones written in one transaction), so a
run killed half-way leaves every article either fully indexed or as it was.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import variants
from .records import Article, ArticleResult
from .speakers import link, name_key

SCHEMA_VERSION = 2
DEFAULT_DB = "quotes.db"
SQLITE_HEADER = b"SQLite format 3\x00"
# How long a writer waits for another one (regrouping a large index holds the lock for seconds).
BUSY_SECONDS = 120
# SQLite builds before 3.32 take at most 999 parameters per statement.
PARAMETERS = 900

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    outlet TEXT, title TEXT, url TEXT, published TEXT, author TEXT,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    processors TEXT NOT NULL,
    indexed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_speakers (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    gender TEXT,
    aliases TEXT NOT NULL,            -- JSON list of the ways the article names the speaker
    PRIMARY KEY (article_id, name, kind)
);
CREATE TABLE IF NOT EXISTS quotes (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    paragraph INTEGER NOT NULL, open_mark TEXT NOT NULL, close_mark TEXT NOT NULL,
    continues INTEGER NOT NULL, repairs TEXT NOT NULL,
    speaker TEXT, speaker_kind TEXT,  -- the article-level canonical name; speaker_links maps it index-wide
    mention_start INTEGER, mention_end INTEGER, mention_text TEXT, mention_kind TEXT,
    cue_start INTEGER, cue_end INTEGER, cue_text TEXT,
    rule TEXT NOT NULL, chain TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker, speaker_kind);
CREATE TABLE IF NOT EXISTS speaker_links (
    name TEXT NOT NULL, kind TEXT NOT NULL, speaker TEXT NOT NULL,
    PRIMARY KEY (name, kind)
);
CREATE INDEX IF NOT EXISTS speaker_links_speaker ON speaker_links(speaker);
CREATE TABLE IF NOT EXISTS quote_groups (        -- the same utterance across articles (variants.py)
    quote_id INTEGER PRIMARY KEY REFERENCES quotes(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL,
    group_kind TEXT NOT NULL,   -- identical | punctuation | spelling | excerpt | wording
    version_kind TEXT NOT NULL, -- this quote's version against the reference ('reference' for it)
    articles INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS quote_groups_group ON quote_groups(group_id);
"""


class StoreError(Exception):
    """The database file cannot be used as a quotes index; the message says why."""


def default_path() -> str:
    return os.environ.get("QUOTES_DB") or DEFAULT_DB


@dataclass(frozen=True)
class QuoteRow:
    """One quote as the index returns it, with its article and index-wide speaker."""
    id: int
    article_id: str
    source: str
    outlet: str | None
    title: str | None
    start: int
    end: int
    text: str
    paragraph: int
    speaker: str | None
    speaker_kind: str | None
    mention: dict | None
    mention_kind: str | None
    cue: dict | None
    rule: str
    chain: list[str]
    repairs: list[str]
    processors: list[str]      # the Stanza processors the article was parsed with


class Index:
    """A quotes index in one SQLite file, created on first use."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path or default_path())
        self._check_file()
        try:
            self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
            self.db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not a usable quotes index ({error})") from None

    def _check_file(self) -> None:
        if not self.path.exists():
            if self.path.parent and not self.path.parent.exists():
                raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
            return
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not an index file")
        with open(self.path, "rb") as f:
            head = f.read(16)
        if head and head != SQLITE_HEADER:
            raise StoreError(f"{self.path}: not an SQLite file; refusing to touch it (give another --db)")

    def _migrate(self) -> None:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            # One script, one transaction; IF NOT EXISTS makes a second process creating
            # the same new file at the same moment harmless.
            self.db.executescript("BEGIN IMMEDIATE;" + SCHEMA +
                                  f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');"
                                  "COMMIT;")
            return
        if "meta" not in tables:
            raise StoreError(f"{self.path}: an SQLite database, but not a quotes index")
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer quotes (schema {version}, this one reads "
                              f"{SCHEMA_VERSION}); upgrade quotes")
        if version == 1:
            # Version 2 added the stored quote groups: add the table and fill it.
            self.db.executescript("BEGIN IMMEDIATE;" + SCHEMA +
                                  "UPDATE meta SET value='2' WHERE key='schema_version';COMMIT;")
            self.regroup()
        elif version < SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema {version} is too old for this quotes; re-index into a new file")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- writing -----------------------------------------------------------------------

    def stored_id(self, article: Article) -> tuple[str, bool]:
        """The id this article is stored under, and whether it is stored unchanged.

        Two different files may share a stem; the second gets the id `stem~xxxxxx`.
        """
        row = self.db.execute("SELECT source, sha256 FROM articles WHERE id=?", (article.id,)).fetchone()
        if row is None or _same_source(row[0], article.source):
            return article.id, row is not None and row[1] == article.sha256
        import hashlib
        alt = f"{article.id}~{hashlib.sha1(article.source.encode()).hexdigest()[:6]}"
        row = self.db.execute("SELECT sha256 FROM articles WHERE id=?", (alt,)).fetchone()
        return alt, row is not None and row[0] == article.sha256

    def is_current(self, article: Article) -> bool:
        """True where the article is indexed with the same content hash: no NLP work needed."""
        return self.stored_id(article)[1]

    def save(self, result: ArticleResult) -> str:
        """Write one article with its quotes and speakers, replacing any older version atomically."""
        article = result.article
        article_id, _ = self.stored_id(article)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM articles WHERE id=?", (article_id,))
            self.db.execute(
                "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (article_id, article.source, article.outlet, article.title, article.url, article.published,
                 article.author, article.sha256, article.text, ",".join(result.processors), now))
            self.db.executemany(
                "INSERT INTO article_speakers VALUES (?,?,?,?,?)",
                [(article_id, s.name, s.kind, s.gender, json.dumps(sorted(s.aliases))) for s in result.speakers])
            self.db.executemany(
                "INSERT INTO quotes (article_id, start, \"end\", text, paragraph, open_mark, close_mark, continues,"
                " repairs, speaker, speaker_kind, mention_start, mention_end, mention_text, mention_kind,"
                " cue_start, cue_end, cue_text, rule, chain) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_quote_values(article_id, q) for q in result.quotes])
            # The stored groups no longer cover this article until regroup() runs; a run killed
            # before that leaves the flag for the next run to see.
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('groups_current', '0')")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return article_id

    def relink_speakers(self) -> None:
        """Recompute which article-level speakers are one person across the index."""
        names = [(r[0], r[1]) for r in self.db.execute("SELECT DISTINCT name, kind FROM article_speakers")]
        names += [(r[0], r[1]) for r in self.db.execute(
            "SELECT DISTINCT speaker, speaker_kind FROM quotes WHERE speaker IS NOT NULL")]
        mapping = link(sorted(set(names)))
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM speaker_links")
            self.db.executemany("INSERT INTO speaker_links VALUES (?,?,?)",
                                [(n, k, s) for (n, k), s in mapping.items()])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def regroup(self) -> None:
        """Recompute the groups of quotes printed by several articles (after speakers are relinked)."""
        # Read and write under one write lock: another process saving an article meanwhile
        # would otherwise be left out of groups marked current.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            found = variants.build_groups(variants.occurrences_of(self.quotes()))
            rows = [(key, ref.id, ref.kind, ref.version, ref.articles) for key, ref in variants.refs(found).items()]
            self.db.execute("DELETE FROM quote_groups")
            self.db.executemany("INSERT INTO quote_groups VALUES (?,?,?,?,?)", rows)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('groups_current', '1')")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def groups_stale(self) -> bool:
        """True where articles were saved since the groups were last computed (a run was killed)."""
        row = self.db.execute("SELECT value FROM meta WHERE key='groups_current'").fetchone()
        return row is not None and row[0] != "1"

    # --- reading -------------------------------------------------------------------------

    def group_refs(self, quote_ids: list[int] | None = None) -> dict[int, variants.GroupRef]:
        """Each grouped quote's group (all, or of these quotes), as the last regroup() stored it."""
        sql = "SELECT quote_id, group_id, group_kind, version_kind, articles FROM quote_groups"
        if quote_ids is None:
            batches = [self.db.execute(sql)]
        else:
            batches = [self.db.execute(f"{sql} WHERE quote_id IN ({','.join('?' * len(part))})", part)
                       for part in _parts(quote_ids)]
        return {r[0]: variants.GroupRef(r[1], r[2], r[3], r[4]) for batch in batches for r in batch}

    def groups(self, group_ids: list[int] | None = None) -> list[variants.Group]:
        """Whole groups (versions, kinds, diffs), all or those with these ids, in id order."""
        if group_ids is None:
            refs, rows = self.group_refs(), self.quotes()
        else:   # only the members: `quotes diff 5` on a large index must not read every quote
            ids = [r[0] for part in _parts(list(group_ids)) for r in self.db.execute(
                f"SELECT quote_id FROM quote_groups WHERE group_id IN ({','.join('?' * len(part))})", part)]
            refs, rows = self.group_refs(ids), self.quotes(quote_ids=ids)
        members: dict[int, list[QuoteRow]] = {}
        for row in rows:
            ref = refs.get(row.id)
            if ref is not None:
                members.setdefault(ref.id, []).append(row)
        return [variants.build_group(number, variants.occurrences_of(rows)) for number, rows in sorted(members.items())]

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY id")]

    def article_text(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT text FROM articles WHERE id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def speakers(self) -> list[dict]:
        """Each index-wide speaker: name, kind, aliases, number of quotes and of articles."""
        out: dict[tuple[str, str], dict] = {}
        for name, kind, aliases, article_id in self.db.execute(
                "SELECT COALESCE(l.speaker, s.name), s.kind, s.aliases, s.article_id FROM article_speakers s "
                "LEFT JOIN speaker_links l ON l.name = s.name AND l.kind = s.kind"):
            entry = out.setdefault((name, kind), {"speaker": name, "kind": kind, "aliases": set(),
                                                  "quotes": 0, "articles": set()})
            entry["aliases"].update(json.loads(aliases))
        for name, kind, article_id, n in self.db.execute(
                "SELECT COALESCE(l.speaker, q.speaker), q.speaker_kind, q.article_id, COUNT(*) FROM quotes q "
                "LEFT JOIN speaker_links l ON l.name = q.speaker AND l.kind = q.speaker_kind "
                "WHERE q.speaker IS NOT NULL GROUP BY 1, 2, 3"):
            entry = out.setdefault((name, kind), {"speaker": name, "kind": kind, "aliases": {name},
                                                  "quotes": 0, "articles": set()})
            entry["quotes"] += n
            entry["articles"].add(article_id)
        result = []
        for entry in out.values():
            if not entry["quotes"]:
                continue
            entry["aliases"] = _distinct_aliases(entry["aliases"], entry["speaker"])
            entry["articles"] = len(entry["articles"])
            result.append(entry)
        return sorted(result, key=lambda e: (-e["quotes"], e["speaker"]))

    def match_speakers(self, query: str) -> list[str]:
        """Index-wide speaker names matching a name or alias, case-insensitively.

        "Johnson" matches Brandon Johnson by alias or by a whole word of the name;
        several matches mean the name is ambiguous and each is listed apart.
        """
        key = name_key(query)
        if not key:
            return []
        # Only rows naming the query's last word can match: let SQLite find them (LIKE ignores
        # ASCII case), then apply the exact rule below.
        like = f"%{key.split()[-1]}%"
        rows = self.db.execute(
            "SELECT DISTINCT COALESCE(l.speaker, s.name), s.aliases FROM article_speakers s"
            " LEFT JOIN speaker_links l ON l.name = s.name AND l.kind = s.kind"
            " WHERE s.name LIKE ? OR s.aliases LIKE ? OR l.speaker LIKE ?", (like, like, like)).fetchall()
        matches: list[str] = []
        for speaker, aliases in rows:
            names = [speaker, *json.loads(aliases)]
            if speaker not in matches and (
                    any(name_key(n) == key for n in names) or key in name_key(speaker).split()
                    or (len(key.split()) > 1 and key in name_key(speaker))):
                matches.append(speaker)
        # Most quotes first, as `quotes speakers` lists them; a speaker with no quotes is no match.
        counts = {name: self._quote_count(name) for name in matches}
        return sorted((m for m in matches if counts[m]), key=lambda m: (-counts[m], m))

    def _speaker_names(self, speaker: str) -> list[str]:
        """The article-level names linked to one index-wide speaker, the name itself included."""
        linked = [r[0] for r in self.db.execute("SELECT DISTINCT name FROM speaker_links WHERE speaker = ?",
                                                (speaker,))]
        return sorted(set(linked) | {speaker})

    def _speaker_filter(self, speaker: str) -> tuple[str, list[str]]:
        """SQL condition (and its parameters) for the quotes of one index-wide speaker, on quotes q
        joined to speaker_links l. The IN list lets SQLite use the speaker index instead of
        reading every quote."""
        names = self._speaker_names(speaker)
        return (f"q.speaker IN ({','.join('?' * len(names))}) AND COALESCE(l.speaker, q.speaker) = ?",
                [*names, speaker])

    def _quote_count(self, speaker: str) -> int:
        condition, params = self._speaker_filter(speaker)
        return self.db.execute(
            "SELECT COUNT(*) FROM quotes q LEFT JOIN speaker_links l ON l.name = q.speaker AND l.kind = q.speaker_kind"
            f" WHERE {condition}", params).fetchone()[0]

    def quotes(self, speaker: str | None = None, article: str | None = None,
               include_unattributed: bool = True, quote_ids: list[int] | None = None) -> list[QuoteRow]:
        """Quotes in article and text order, optionally of one index-wide speaker, one article or
        these quote ids."""
        if quote_ids is not None and len(quote_ids) > PARAMETERS:
            rows = [r for part in _parts(quote_ids) for r in self.quotes(speaker, article, include_unattributed, part)]
            return sorted(rows, key=lambda r: (r.article_id, r.start))
        sql = ("SELECT q.id, q.article_id, a.source, a.outlet, a.title, q.start, q.\"end\", q.text, q.paragraph,"
               " COALESCE(l.speaker, q.speaker), q.speaker_kind, q.mention_start, q.mention_end, q.mention_text,"
               " q.mention_kind, q.cue_start, q.cue_end, q.cue_text, q.rule, q.chain, q.repairs,"
               " a.processors FROM quotes q JOIN articles a ON a.id = q.article_id"
               " LEFT JOIN speaker_links l ON l.name = q.speaker AND l.kind = q.speaker_kind WHERE 1=1")
        params: list = []
        if speaker is not None:
            condition, speaker_params = self._speaker_filter(speaker)
            sql += f" AND {condition}"
            params.extend(speaker_params)
        if article is not None:
            sql += " AND q.article_id = ?"
            params.append(article)
        if quote_ids is not None:
            sql += f" AND q.id IN ({','.join('?' * len(quote_ids))})"
            params.extend(quote_ids)
        if not include_unattributed:
            sql += " AND q.speaker IS NOT NULL"
        sql += " ORDER BY q.article_id, q.start"
        return [_row(r) for r in self.db.execute(sql, params)]

    def quote(self, quote_id: int) -> QuoteRow | None:
        rows = self.quotes(quote_ids=[quote_id])
        return rows[0] if rows else None


def _parts(values: list) -> list[list]:
    """`values` in slices small enough for one statement's parameters."""
    return [values[i:i + PARAMETERS] for i in range(0, len(values), PARAMETERS)]


def _distinct_aliases(aliases: set[str], name: str) -> list[str]:
    """Aliases without the name itself and without case variants ("The mayor" / "the mayor")."""
    by_key: dict[str, str] = {}
    # The alias itself breaks ties ("President …" before "president …"): a set has no fixed order.
    for alias in sorted(aliases, key=lambda a: (a.lower(), a != a.lower(), a)):
        if alias.lower() != name.lower():
            by_key.setdefault(alias.lower(), alias)
    return sorted(by_key.values(), key=str.lower)


def _same_source(a: str, b: str) -> bool:
    return os.path.normpath(a) == os.path.normpath(b)


def _span(start, end, text) -> dict | None:
    return None if start is None else {"start": start, "end": end, "text": text}


def _row(r) -> QuoteRow:
    return QuoteRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                    _span(r[11], r[12], r[13]), r[14], _span(r[15], r[16], r[17]), r[18],
                    json.loads(r[19]), json.loads(r[20]), [p for p in r[21].split(",") if p])


def _quote_values(article_id: str, q) -> tuple:
    a = q.attribution
    mention = a.mention
    cue = a.cue
    return (article_id, q.start, q.end, q.text, q.paragraph, q.open_mark, q.close_mark, int(q.continues),
            json.dumps(list(q.repairs)), a.speaker, a.speaker_kind,
            mention.start if mention else None, mention.end if mention else None, mention.text if mention else None,
            a.mention_kind, cue.start if cue else None, cue.end if cue else None, cue.text if cue else None,
            a.rule, json.dumps(list(a.chain)))
