"""The SQLite index: articles, their quotes and speakers, one transaction per article.

The schema is versioned in the `meta` table. An article is replaced whole
(its old quotes deleted and the new ones written in one transaction), so a
run killed half-way leaves every article either fully indexed or as it was.
Each article records what analysed it (`records.Analyser`), so an index knows
which of its articles an upgraded quotes would analyse differently.

This module stores and reads; it computes nothing. What fills the index, and the speaker
links and quote groups computed over it, are `indexing.py`'s, which hands this module the
rows to write; `index.Index` puts the two together for the library and the commands.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from .records import Analyser, Article, ArticleResult, Quote, quote_dict, quote_from_dict
from .rows import ArticleInfo, GroupRef, QuoteRow, Selection, SpeakerName
from .speakers.names import name_key

SCHEMA_VERSION = 5
DEFAULT_DB = "quotes.db"
SQLITE_HEADER = b"SQLite format 3\x00"
# How long a writer waits for another one (regrouping a large index holds the lock for seconds).
BUSY_SECONDS = 120
# SQLite builds before 3.32 take at most 999 parameters per statement.
PARAMETERS = 900

QUOTES_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    speaker TEXT, speaker_kind TEXT,  -- the article-level canonical name; speaker_links maps it index-wide
    rule TEXT NOT NULL,
    data TEXT NOT NULL                -- the whole quote as JSON (records.quote_dict); the columns repeat
                                      -- what queries and people browsing the file look for
);
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS analysers (         -- what analysed articles (records.Analyser)
    fingerprint TEXT PRIMARY KEY,
    parts TEXT NOT NULL                         -- JSON: version, code, models, lexicon, stanza
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    outlet TEXT, title TEXT, url TEXT, published TEXT, author TEXT,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    processors TEXT NOT NULL,
    indexed_at TEXT NOT NULL,
    analyser TEXT                               -- analysers.fingerprint; NULL: analysed before it was recorded
);
CREATE TABLE IF NOT EXISTS article_speakers (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    gender TEXT,
    aliases TEXT NOT NULL,            -- JSON list of the ways the article names the speaker
    PRIMARY KEY (article_id, name, kind)
);
""" + QUOTES_TABLE.format(name="quotes") + """CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker, speaker_kind);
CREATE TABLE IF NOT EXISTS speaker_links (     -- article-level names -> index-wide speakers (linking.py)
    article_id TEXT NOT NULL,                   -- a lone surname is linked article by article
    name TEXT NOT NULL, kind TEXT NOT NULL, speaker TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',            -- why the name is that speaker's ('' where it is its own)
    speaker_kind TEXT NOT NULL,                 -- the speaker's kind, one across the index (an article
                                                -- may read a person as an organisation)
    PRIMARY KEY (article_id, name, kind)
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


class NoIndex(StoreError):
    """There is no index at the path, and the caller did not ask to create one."""


class NotFound(StoreError):
    """The index holds no such speaker, article, quote or group; the message says what to try."""


def default_path() -> str:
    return os.environ.get("QUOTES_DB") or DEFAULT_DB


class Store:
    """A quotes index in one SQLite file, as stored: what index.Index reads and indexing.py writes.

    Without create=True a missing file is NoIndex, so that reading a mistyped path says so
    instead of creating an empty index. An index of an older schema is upgraded on opening;
    `upgraded_from` then holds the old schema's number, and its speaker links (and, from
    schema 1, its quote groups) are for the caller to compute again (index.Index does).
    """

    def __init__(self, path: str | os.PathLike | None = None, create: bool = False):
        self.path = Path(path or default_path())
        self.upgraded_from: int | None = None
        self._check_file(create)
        try:
            self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
            self._migrate()
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not a usable quotes index ({error})") from None

    def _check_file(self, create: bool) -> None:
        if not self.path.exists():
            if not create:
                raise NoIndex(f"no index at {self.path}; run `quotes index` first")
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
        version = self._schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer quotes (schema {version}, this one reads "
                              f"{SCHEMA_VERSION}); upgrade quotes")
        if version < 1:
            raise StoreError(f"{self.path}: schema {version} is too old for this quotes; re-index into a new file")
        if version < SCHEMA_VERSION:
            self._upgrade(version)

    def _schema_version(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _upgrade(self, version: int) -> None:
        """Bring a schema 1 to 4 index to the current schema in one transaction, quote ids kept.
        Its speaker links are dropped (derived data: without them names read as the articles gave
        them) and `upgraded_from` says they are to be computed again."""
        with self._writing():
            if self._schema_version() == SCHEMA_VERSION:    # another process upgraded it meanwhile
                return
            if version < 3:
                self._quotes_as_records()
                self.db.execute("ALTER TABLE articles ADD COLUMN analyser TEXT")
            # Schema 4 links names to speakers article by article; schema 5 gives each its speaker's kind.
            self.db.execute("DROP TABLE IF EXISTS speaker_links")
            for statement in _statements(SCHEMA):     # executescript would commit first
                self.db.execute(statement)
            self.db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION),))
            if version == 1:    # schema 1 had no stored groups
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('groups_current', '0')")
        self.upgraded_from = version

    def _quotes_as_records(self) -> None:
        """Schema 3 keeps each quote as records.quote_dict gives it; the old columns become that dict.
        A new table renamed into place (foreign keys are off until the upgrade is done), so
        quote_groups keeps referring to `quotes`."""
        old = [r for r in self.db.execute(
            "SELECT id, article_id, start, \"end\", text, paragraph, open_mark, close_mark, continues, repairs,"
            " speaker, speaker_kind, mention_start, mention_end, mention_text, mention_kind, cue_start, cue_end,"
            " cue_text, rule, chain FROM quotes")]
        self.db.execute(QUOTES_TABLE.format(name="quotes_new"))
        self.db.executemany(
            "INSERT INTO quotes_new (id, article_id, start, \"end\", text, speaker, speaker_kind, rule, data)"
            " VALUES (?,?,?,?,?,?,?,?,?)", [_upgraded_quote(r) for r in old])
        self.db.execute("DROP TABLE quotes")
        self.db.execute("ALTER TABLE quotes_new RENAME TO quotes")

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction: committed whole, or rolled back whole (Ctrl-C included)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:      # an interrupt may land after COMMIT returned
                self.db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- writing -----------------------------------------------------------------------

    def stored_id(self, article: Article) -> str:
        """The id this article is (or will be) stored under.

        Two different files may share a stem; the second gets the id `stem~xxxxxx`.
        """
        row = self.db.execute("SELECT source FROM articles WHERE id=?", (article.id,)).fetchone()
        if row is None or _same_source(row[0], article.source):
            return article.id
        import hashlib
        return f"{article.id}~{hashlib.sha1(article.source.encode()).hexdigest()[:6]}"

    def status(self, article: Article, analyser: Analyser | None) -> str:
        """'new' (not stored), 'changed' (stored with other content), 'stale' (the same content,
        analysed by another analyser) or 'current' (nothing to do)."""
        row = self.db.execute("SELECT sha256, analyser FROM articles WHERE id=?",
                              (self.stored_id(article),)).fetchone()
        if row is None:
            return "new"
        if row[0] != article.sha256:
            return "changed"
        return "current" if row[1] == (analyser.fingerprint if analyser else None) else "stale"

    def is_current(self, article: Article, analyser: Analyser | None) -> bool:
        """True where the article is stored with the same content, analysed by `analyser`."""
        return self.status(article, analyser) == "current"

    def save(self, result: ArticleResult) -> str:
        """Write one article with its quotes and speakers, replacing any older version atomically."""
        article = result.article
        article_id = self.stored_id(article)
        analyser = result.analyser
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._writing():
            if analyser is not None:
                self.db.execute("INSERT OR IGNORE INTO analysers VALUES (?,?)",
                                (analyser.fingerprint, json.dumps(analyser.as_dict(), sort_keys=True)))
            # A quote found again at the same place keeps its id, so an id cited from an earlier sheet
            # still names it after the article is re-analysed.
            ids = dict(((r[0], r[1]), r[2]) for r in self.db.execute(
                "SELECT start, \"end\", id FROM quotes WHERE article_id=?", (article_id,)))
            self.db.execute("DELETE FROM articles WHERE id=?", (article_id,))
            self.db.execute(
                "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (article_id, article.source, article.outlet, article.title, article.url, article.published,
                 article.author, article.sha256, article.text, ",".join(result.processors), now,
                 analyser.fingerprint if analyser else None))
            self.db.executemany(
                "INSERT INTO article_speakers VALUES (?,?,?,?,?)",
                [(article_id, s.name, s.kind, s.gender, json.dumps(sorted(s.aliases))) for s in result.speakers])
            self.db.executemany(
                "INSERT INTO quotes (id, article_id, start, \"end\", text, speaker, speaker_kind, rule, data)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [(ids.get((q.start, q.end)), *_quote_values(article_id, q)) for q in result.quotes])
            # The stored links and groups no longer cover this article until relink_speakers() and
            # regroup() run; a run killed before that leaves the flag for the next run to see.
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('groups_current', '0')")
        return article_id

    def speaker_names(self) -> list[SpeakerName]:
        """Every article-level speaker name with its quotes and aliases: what linking.link reads."""
        said: dict[tuple[str, str, str], tuple[str | None, frozenset[str]]] = {}
        for article_id, name, kind, gender, names_json in self.db.execute(
                "SELECT article_id, name, kind, gender, aliases FROM article_speakers"):
            said[(article_id, name, kind)] = (gender, frozenset(json.loads(names_json)))
        counts = {(r[0], r[1], r[2]): r[3] for r in self.db.execute(
            "SELECT article_id, speaker, speaker_kind, COUNT(*) FROM quotes WHERE speaker IS NOT NULL"
            " GROUP BY 1, 2, 3")}
        names = []
        for article_id, name, kind in sorted(set(counts) | set(said), key=lambda n: (n[0], n[1], n[2] or "")):
            gender, aliases = said.get((article_id, name, kind), (None, frozenset()))
            names.append(SpeakerName(name, kind, gender, counts.get((article_id, name, kind), 0), aliases, article_id))
        return names

    def replace_links(self, links: Iterable[tuple[str, str, str, str, str, str]]) -> None:
        """Store the speaker links, (article, name, kind, index-wide speaker, reason, the speaker's
        kind) each, in place of the old ones."""
        with self._writing():
            self.db.execute("DELETE FROM speaker_links")
            self.db.executemany("INSERT INTO speaker_links (article_id, name, kind, speaker, reason, speaker_kind)"
                                " VALUES (?,?,?,?,?,?)", list(links))

    def replace_groups(self, grouping: Callable[[list[QuoteRow]], dict[int, GroupRef]]) -> None:
        """Store the quote groups that `grouping` makes of every quote (each grouped quote's GroupRef,
        by quote id) in place of the old ones, and mark them current."""
        # Read and write under one write lock: another process saving an article meanwhile
        # would otherwise be left out of groups marked current.
        with self._writing():
            rows = [(key, ref.id, ref.kind, ref.version, ref.articles) for key, ref in grouping(self.quotes()).items()]
            self.db.execute("DELETE FROM quote_groups")
            self.db.executemany("INSERT INTO quote_groups VALUES (?,?,?,?,?)", rows)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('groups_current', '1')")

    def mark_groups_stale(self) -> None:
        """Say that links and groups are to be computed again (by the next `quotes index`); best
        effort, as it is called where writing has just failed."""
        try:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('groups_current', '0')")
        except sqlite3.DatabaseError:
            pass

    def groups_stale(self) -> bool:
        """True where articles were saved since the groups were last computed (a run was killed)."""
        row = self.db.execute("SELECT value FROM meta WHERE key='groups_current'").fetchone()
        return row is not None and row[0] != "1"

    # --- reading -------------------------------------------------------------------------

    def stale_articles(self, analyser: Analyser | None = None) -> list[Article]:
        """Stored articles not analysed by `analyser` (every article where it is None), rebuilt
        from the text the index keeps, so they can be analysed again without their files."""
        sql = "SELECT id, text, source, sha256, outlet, title, url, published, author FROM articles"
        params: tuple = ()
        if analyser is not None:
            sql += " WHERE analyser IS NULL OR analyser != ?"
            params = (analyser.fingerprint,)
        return [Article(*r) for r in self.db.execute(sql + " ORDER BY id", params)]

    def analyser_fingerprints(self) -> list[str | None]:
        """The fingerprints the stored articles were analysed by (None: not recorded)."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT analyser FROM articles")]

    def analysers(self) -> dict[str, Analyser]:
        """Every analyser recorded in the index, by fingerprint."""
        return {r[0]: Analyser.from_dict(json.loads(r[1])) for r in self.db.execute("SELECT * FROM analysers")}

    def group_refs(self, quote_ids: list[int] | None = None) -> dict[int, GroupRef]:
        """Each grouped quote's group (all, or of these quotes), as the last regroup() stored it."""
        sql = "SELECT quote_id, group_id, group_kind, version_kind, articles FROM quote_groups"
        if quote_ids is None:
            batches = [self.db.execute(sql)]
        else:
            batches = [self.db.execute(f"{sql} WHERE quote_id IN ({','.join('?' * len(part))})", part)
                       for part in _parts(quote_ids)]
        return {r[0]: GroupRef(r[1], r[2], r[3], r[4]) for batch in batches for r in batch}

    def group_members(self, group_ids: list[int] | None = None) -> dict[int, list[QuoteRow]]:
        """The quotes of each stored group (all, or those with these ids), by group id, in id order."""
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
        return dict(sorted(members.items()))

    def select(self, speaker: str | None = None, article: str | None = None,
               attributed_only: bool = False) -> Selection:
        """The quotes of a speaker (a name, surname or alias: see match_speakers) and/or an article.

        Raises NotFound where no speaker matches or the article is not in the index.
        """
        names = self.speakers_named(speaker) if speaker else []
        if article is not None and self.article_text(article) is None:
            raise NotFound(f"no article '{article}' in {self.path}")
        if names:
            rows = [r for name in names for r in self.quotes(speaker=name, article=article)]
            rows.sort(key=lambda r: (r.speaker if len(names) > 1 else "", r.article.id, r.quote.start))
        else:
            rows = self.quotes(article=article, include_unattributed=not attributed_only)
        return Selection(names, rows)

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY id")]

    def article_text(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT text FROM articles WHERE id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def speakers(self) -> list[dict]:
        """Each index-wide speaker: name, kind, aliases, number of quotes and of articles, and the names
        other articles gave it with why they were linked (linking.py)."""
        out: dict[tuple[str, str], dict] = {}
        for name, kind, aliases, article_id in self.db.execute(
                "SELECT COALESCE(l.speaker, s.name), COALESCE(l.speaker_kind, s.kind), s.aliases, s.article_id"
                " FROM article_speakers s "
                "LEFT JOIN speaker_links l ON l.article_id = s.article_id AND l.name = s.name AND l.kind = s.kind"):
            entry = out.setdefault((name, kind), {"speaker": name, "kind": kind, "aliases": set(),
                                                  "quotes": 0, "articles": set()})
            entry["aliases"].update(json.loads(aliases))
        for name, kind, article_id, n in self.db.execute(
                "SELECT COALESCE(l.speaker, q.speaker), COALESCE(l.speaker_kind, q.speaker_kind), q.article_id,"
                " COUNT(*) FROM quotes q "
                "LEFT JOIN speaker_links l ON l.article_id = q.article_id AND l.name = q.speaker"
                " AND l.kind = q.speaker_kind "
                "WHERE q.speaker IS NOT NULL GROUP BY 1, 2, 3"):
            entry = out.setdefault((name, kind), {"speaker": name, "kind": kind, "aliases": {name},
                                                  "quotes": 0, "articles": set()})
            entry["quotes"] += n
            entry["articles"].add(article_id)
        linked: dict[tuple[str, str], list[dict]] = {}
        for speaker, kind, name, reason in self.db.execute(
                "SELECT DISTINCT speaker, speaker_kind, name, reason FROM speaker_links WHERE reason != ''"
                " ORDER BY name"):
            linked.setdefault((speaker, kind), []).append({"name": name, "reason": reason})
        result = []
        for entry in out.values():
            if not entry["quotes"]:
                continue
            entry["aliases"] = _distinct_aliases(entry["aliases"], entry["speaker"])
            entry["articles"] = len(entry["articles"])
            entry["linked"] = linked.get((entry["speaker"], entry["kind"]), [])
            result.append(entry)
        return sorted(result, key=lambda e: (-e["quotes"], e["speaker"]))
    def speakers_named(self, query: str) -> list[str]:
        """match_speakers, or NotFound where no speaker matches."""
        names = self.match_speakers(query)
        if not names:
            raise NotFound(f"no speaker matches '{query}' (see: quotes speakers --db {self.path})")
        return names

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
            " LEFT JOIN speaker_links l ON l.article_id = s.article_id AND l.name = s.name AND l.kind = s.kind"
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
            "SELECT COUNT(*) FROM quotes q LEFT JOIN speaker_links l"
            " ON l.article_id = q.article_id AND l.name = q.speaker AND l.kind = q.speaker_kind"
            f" WHERE {condition}", params).fetchone()[0]

    def quotes(self, speaker: str | None = None, article: str | None = None,
               include_unattributed: bool = True, quote_ids: list[int] | None = None) -> list[QuoteRow]:
        """Quotes in article and text order, optionally of one index-wide speaker, one article or
        these quote ids."""
        if quote_ids is not None and len(quote_ids) > PARAMETERS:
            rows = [r for part in _parts(quote_ids) for r in self.quotes(speaker, article, include_unattributed, part)]
            return sorted(rows, key=lambda r: (r.article.id, r.quote.start))
        sql = ("SELECT q.id, q.data, COALESCE(l.speaker, q.speaker), l.speaker_kind, a.id, a.source, a.outlet,"
               " a.title, a.url, a.published, a.author, a.processors, a.analyser"
               " FROM quotes q JOIN articles a ON a.id = q.article_id"
               " LEFT JOIN speaker_links l ON l.article_id = q.article_id AND l.name = q.speaker"
               " AND l.kind = q.speaker_kind WHERE 1=1")
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
        articles: dict[str, ArticleInfo] = {}
        out = []
        for quote_id, data, index_speaker, index_kind, *info in self.db.execute(sql, params):
            found = articles.get(info[0])
            if found is None:
                found = articles[info[0]] = ArticleInfo(*info[:7], tuple(p for p in info[7].split(",") if p),
                                                        info[8])
            value = json.loads(data)
            if index_kind:      # the speaker's kind across the index, as its name is the index-wide one
                value["speaker_kind"] = index_kind
            out.append(QuoteRow(quote_id, quote_from_dict(value, found.id), index_speaker, found))
        return out

    def quote(self, quote_id: int) -> QuoteRow | None:
        rows = self.quotes(quote_ids=[quote_id])
        return rows[0] if rows else None


def _statements(script: str) -> list[str]:
    """An SQL script's statements, one by one (a ';' inside a comment does not end one)."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            out.append(current)
            current = ""
    return out


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


def _quote_values(article_id: str, quote: Quote) -> tuple:
    data = quote_dict(quote)
    return (article_id, data["start"], data["end"], data["text"], data["speaker"], data["speaker_kind"],
            data["rule"], json.dumps(data, ensure_ascii=False))


def _upgraded_quote(old: tuple) -> tuple:
    """A schema 2 quotes row as a schema 3 row: the same id, the old columns as one quote_dict."""
    (quote_id, article_id, start, end, text, paragraph, open_mark, close_mark, continues, repairs, speaker,
     speaker_kind, mention_start, mention_end, mention_text, mention_kind, cue_start, cue_end, cue_text, rule,
     chain) = old
    data = {"start": start, "end": end, "text": text, "paragraph": paragraph + 1, "open_mark": open_mark,
            "close_mark": close_mark, "continues": continues, "repairs": json.loads(repairs),
            "speaker": speaker, "speaker_kind": speaker_kind,
            "speaker_mention": None if mention_start is None else
            {"start": mention_start, "end": mention_end, "text": mention_text},
            "mention_kind": mention_kind,
            "cue": None if cue_start is None else {"start": cue_start, "end": cue_end, "text": cue_text},
            "rule": rule, "chain": json.loads(chain)}
    return (quote_id, *_quote_values(article_id, quote_from_dict(data, article_id)))
