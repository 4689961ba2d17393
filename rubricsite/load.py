"""Stage 1, load: read the site's files, parse YAML keeping line numbers, split front matter."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from . import limits, parallel
from .errors import ContentError, Problems
from .frontmatter import end_of_fields, looks_like_a_field, reread
from .incremental import file_key, meta_key
from .link_targets import internal_links
from .safety import check_folders, checked_file, hidden_character, site_files
from .wording import yaml_problem

try:  # libyaml keeps line marks through compose and is several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python fallback where libyaml is missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

KeyPath = tuple[str | int, ...]
BUILTIN = Path(__file__).parent  # the engine's own templates/ and assets/
PARALLEL_FROM = 300  # below this many files to read, a second process costs more than it saves


def template_dirs(root: Path) -> list[Path]:
    """Where templates are looked up, first match wins: the site's own, then the built-ins."""
    return [d for d in (root / "templates", BUILTIN / "templates") if d.is_dir()]


def asset_dirs(root: Path) -> list[Path]:
    """Where assets come from; a site's file replaces the built-in file of the same name."""
    return [d for d in (BUILTIN / "assets", root / "assets") if d.is_dir()]


@dataclass(frozen=True, slots=True)
class Doc:
    """Parsed YAML with the line of every key, so errors can point at the line to fix."""

    path: Path
    data: Any
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    first_line: int = 1
    end_line: int = 1  # the line after the last one: where a field missing at the end goes
    # mistakes found by reading broken front matter again tolerantly (frontmatter.py); the
    # validator reports them with the rest
    problems: tuple[ContentError, ...] = ()

    def line_of(self, *keys: str | int) -> int:
        """The line of the deepest known key on this path, else the document's first line."""
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.first_line


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An exemplar or page file: its front matter and its Markdown body."""

    path: Path
    slug: str
    meta: Doc
    body: str
    body_line: int
    digest: str  # of the whole file
    meta_digest: str  # of the front matter alone: what lists of exemplars show
    # (line, target) of the body's links that may lead into the site (link_targets.internal_links):
    # kept with the parse, so a build checks a story's links without reading it again
    links: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Sources:
    """Everything read from a site folder, before validation."""

    root: Path
    config: Doc | None
    levels: Doc | None
    standards: tuple[Doc, ...]
    exemplars: tuple[SourceFile, ...]
    pages: tuple[SourceFile, ...]
    digests: Mapping[str, str]  # input key -> content hash, for incremental rebuilds


def read_text(path: Path) -> str:
    """A file's text; raises ContentError naming the line when it is not UTF-8, is too large,
    or holds a character that hides what the text says (see safety.HIDDEN)."""
    raw = limits.read_bounded(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            path, line, "file is not UTF-8 text", "save it as UTF-8 in your editor"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    hidden = hidden_character(text)
    if hidden is not None:
        raise ContentError(path, hidden[0], f"invisible control character {hidden[1]} in this line",
                           "delete it: it can make the text read differently from what it is")
    return text


class YAMLSyntaxError(ContentError):
    """YAML that does not parse (as opposed to parsing into something refused): front matter
    with one is read again field by field."""


class _Constructor(SafeConstructor):
    """Safe YAML that leaves timestamps as text: a bad date such as 2024-13-01 becomes a
    validation error with a hint, not a crash inside the YAML library."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_scalar)


def parse_yaml(path: Path, text: str, first_line: int = 1) -> Doc:
    """YAML text to a Doc; raises ContentError at the line where the YAML breaks."""
    end_line = first_line + text.count("\n") + 1
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        raise YAMLSyntaxError(path, line, *yaml_problem(exc.problem or exc.context or "")) from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(path, first_line, *yaml_problem(str(exc))) from None
    if node is None:
        return Doc(path, None, {}, first_line, end_line)
    lines: dict[KeyPath, int] = {}
    data = _plain_document(node, (), lines, first_line, _Constructor(), set())
    if data is _NOT_PLAIN:  # the careful way, which says what is wrong
        lines = {}
        _mark_lines(node, (), lines, first_line, path, set())
        data = _construct(path, node, first_line)
    # a value can hold a character its text does not only by an escape such as "\u202e"
    if "\\" in text or hidden_character(text) is not None:
        _refuse_hidden(path, data, (), lines, first_line)
    return Doc(path, data, lines, first_line, end_line)


def _construct(path: Path, node: yaml.Node, first_line: int) -> Any:
    try:
        return _Constructor().construct_document(node)
    except yaml.YAMLError as exc:
        line = first_line + exc.problem_mark.line if getattr(exc, "problem_mark", None) else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(path, line or first_line, "a value here starts with !, which YAML reads "
                           f"as an instruction ({problem})",
                           "write plain text, in quotes when it starts with !") from None


_NOT_PLAIN = object()
_TAG = "tag:yaml.org,2002:"
_AS_TEXT = frozenset({f"{_TAG}str", f"{_TAG}timestamp"})  # _Constructor leaves timestamps as text
_SCALARS = frozenset({f"{_TAG}int", f"{_TAG}float", f"{_TAG}bool", f"{_TAG}null"})


def _plain_document(node: yaml.Node, key: KeyPath, lines: dict[KeyPath, int], offset: int,
                    constructor: _Constructor, visited: set[int]) -> Any:
    """What _Constructor makes of the node, with its lines marked as _mark_lines marks them, in
    one walk; _NOT_PLAIN for anything but mappings with text keys, lists and plain scalars (an
    alias, a tag, a repeated key, a depth over the limit), which the careful way reads and
    reports."""
    lines.setdefault(key, offset + node.start_mark.line)
    if isinstance(node, yaml.ScalarNode):
        if node.tag in _AS_TEXT:
            return node.value
        if node.tag not in _SCALARS:
            return _NOT_PLAIN
        try:
            return constructor.construct_object(node)
        except yaml.YAMLError:
            return _NOT_PLAIN
    if id(node) in visited or len(key) >= limits.YAML_DEPTH:
        return _NOT_PLAIN
    visited.add(id(node))
    if isinstance(node, yaml.SequenceNode) and node.tag == f"{_TAG}seq":
        items = []
        for index, item in enumerate(node.value):
            value = _plain_document(item, (*key, index), lines, offset, constructor, visited)
            if value is _NOT_PLAIN:
                return _NOT_PLAIN
            items.append(value)
        return items
    if not (isinstance(node, yaml.MappingNode) and node.tag == f"{_TAG}map"):
        return _NOT_PLAIN
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        name = key_node.value
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != f"{_TAG}str" \
                or name in mapping:
            return _NOT_PLAIN
        lines[(*key, name)] = offset + key_node.start_mark.line
        value = _plain_document(value_node, (*key, name), lines, offset, constructor, visited)
        if value is _NOT_PLAIN:
            return _NOT_PLAIN
        mapping[name] = value
    return mapping


def _refuse_hidden(path: Path, data: Any, key: KeyPath, lines: Mapping[KeyPath, int],
                   first_line: int) -> None:
    """A hidden character written as a YAML escape ("\u202e") is refused like a typed one."""
    if isinstance(data, str):
        hidden = hidden_character(data.replace("\n", " ").replace("\t", " "))
        if hidden is not None:
            line = next((lines[key[:n]] for n in range(len(key), -1, -1) if key[:n] in lines),
                        first_line)
            raise ContentError(path, line, f"invisible control character {hidden[1]} in this "
                               "value", "delete it: it can make the text read differently from "
                               "what it is")
    elif isinstance(data, dict):
        for name, value in data.items():
            _refuse_hidden(path, str(name), (*key, str(name)), lines, first_line)
            _refuse_hidden(path, value, (*key, str(name)), lines, first_line)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_hidden(path, value, (*key, index), lines, first_line)


def _mark_lines(
    node: yaml.Node, key: KeyPath, lines: dict[KeyPath, int], offset: int, path: Path,
    visited: set[int],
) -> None:
    # An alias is the very node it names, met a second time. Content never needs one, and a node
    # that contains itself, or aliases of aliases, would recurse forever or blow up exponentially.
    if id(node) in visited:  # the composer keeps no position for an alias: name its holder's line
        holder = next((lines[key[:n]] for n in range(len(key), -1, -1) if key[:n] in lines), offset)
        raise ContentError(path, holder,
                           "YAML anchors and aliases (& and *) are not supported here",
                           "write the value out in full")
    if isinstance(node, yaml.CollectionNode):
        visited.add(id(node))
        if len(key) >= limits.YAML_DEPTH:
            raise ContentError(path, offset + node.start_mark.line,
                               f"values nested more than {limits.YAML_DEPTH} levels deep; "
                               "that is the limit", "write plain lists and 'key: value' lines")
    lines.setdefault(key, offset + node.start_mark.line)  # a mapping's keys: the key's own line
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = str(key_node.value)
            if name in seen:
                raise ContentError(
                    path,
                    offset + key_node.start_mark.line,
                    f"`{name}` is given twice",
                    "keep one of them and delete the other",
                )
            seen.add(name)
            lines[(*key, name)] = offset + key_node.start_mark.line
            _mark_lines(value_node, (*key, name), lines, offset, path, visited)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _mark_lines(item, (*key, index), lines, offset, path, visited)


def split_front_matter(path: Path, text: str) -> tuple[Doc, str, int, str]:
    """A Markdown file's front matter Doc, its body, the body's first line, the front matter's hash.

    When a `---` line is missing but the fields are plain to see, they are still read (and the
    missing line is a problem on the Doc), so the rest of the file is checked in the same round.
    """
    lines = text.split("\n")
    opened = bool(lines) and _is_fence(lines[0])
    start = 1 if opened else 0
    # only an unindented '---' closes: '  ---' belongs to a multi-line YAML value
    close = next((i for i in range(start, len(lines)) if _is_fence(lines[i])), None)
    if close is not None and (opened or (close > 0 and looks_like_a_field(lines[0]))):
        missing = None if opened else ContentError(
            path, 1, "the file does not start with a line '---'",
            "add a line '---' above this one, so the fields below it are read as fields")
        body_from = close + 1
    elif opened and (end := end_of_fields(lines)) is not None:
        close, body_from = end, end
        missing = ContentError(path, end + 1, "the fields are not closed by a line '---'",
                               "add a line '---' above this line, after the last field")
    elif opened:
        raise ContentError(path, 1, "front matter is not closed",
                           "add a line '---' after the last field")
    else:
        raise ContentError(path, 1, "missing front matter",
                           "start the file with a line '---', the fields, then '---'")
    limits.check_front_matter(path, close - start, sum(len(x) + 1 for x in lines[start:close]))
    meta = _front_matter_doc(path, "\n".join(lines[start:close]), start + 1)
    if missing is not None:
        meta = replace(meta, problems=(missing, *meta.problems))
    return (meta, "\n".join(lines[body_from:]), body_from + 1,
            digest("\n".join(lines[:close])))


def _is_fence(line: str) -> bool:
    return line.rstrip() == "---"


def _front_matter_doc(path: Path, text: str, first_line: int = 2) -> Doc:
    """The front matter's Doc; when its YAML is broken, the fields that can still be read, with a
    problem on the line of each mistake, so one round shows them all."""
    try:
        return parse_yaml(path, text, first_line=first_line)
    except YAMLSyntaxError as error:
        data, lines, found = reread(path, text, first_line, parse_yaml)
        return Doc(path, data, lines, first_line, first_line + text.count("\n") + 1,
                   tuple(found) or (error,))


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class ParseCache:
    """Parsed files by path and digest of their text: a file whose text is unchanged is not parsed.

    `stored` rows come from the store as JSON text and are checked here (a row that does not
    decode to the shape of a parse is a miss, so a crafted row can only give what a file could);
    `memory` holds what this process parsed before. With `changed` given (serve: the watcher
    names what changed), a file not named is taken from memory without even being read, so a
    rebuild costs the same at 10 or 10,000 files.
    """

    def __init__(self, stored: Mapping[str, tuple[str, str]] | None = None,
                 memory: Mapping[str, tuple[str, object]] | None = None,
                 changed: Iterable[Path] | None = None, *, rows: bool = True) -> None:
        self.stored = stored or {}
        self.rows = rows  # False: no store to save them in, so no JSON is made
        self.memory = memory or {}
        self.changed = None if changed is None else {str(p) for p in changed}
        self.seen: dict[str, tuple[str, object]] = {}  # path -> (digest, parse): this read
        self.new: dict[str, tuple[str, str]] = {}  # path -> (digest, JSON): rows for the store

    def forget_parses(self) -> None:
        """Keep only each file's digest (what the store is saved with): for a build after which
        this process reads nothing again, so the front matter and line maps of every file do
        not stay in memory while the pages are drawn."""
        self.stored, self.memory = {}, {}
        self.seen = {path: (text_digest, None) for path, (text_digest, _parse) in self.seen.items()}

    def untouched(self, path: Path) -> object | None:
        """The last parse of a file the watcher did not name (None: read it)."""
        hit = self.memory.get(str(path))
        if hit is None or self.changed is None or str(path) in self.changed:
            return None
        self.seen[str(path)] = hit
        return hit[1]

    def may_hold(self, path: Path) -> bool:
        """Whether memory or the store has a parse of some text of this file."""
        return str(path) in self.memory or str(path) in self.stored

    def get(self, path: Path, text: str, text_digest: str) -> object | None:
        """The parse of this text of the file, when memory or the store has it."""
        key = str(path)
        hit = self.memory.get(key)
        if hit is None or hit[0] != text_digest:
            row = self.stored.get(key)
            value = _from_plain(path, row[1], text, text_digest) \
                if row and row[0] == text_digest else None
            hit = (text_digest, value) if value is not None else None
        if hit is not None:
            self.seen[key] = hit
            return hit[1]
        return None

    def put(self, path: Path, text_digest: str, value: SourceFile | tuple[Doc, str]) -> None:
        self.seen[str(path)] = (text_digest, value)
        plain = _to_plain(value) if self.rows else None
        if plain is not None:
            self.new[str(path)] = (text_digest, plain)


def _load_yaml_file(path: Path, cache: ParseCache) -> tuple[Doc, str]:
    return _cached(path, cache, tuple, lambda text, text_digest: (parse_yaml(path, text), text_digest))


def read_markdown_file(path: Path, cache: ParseCache) -> SourceFile:
    """One exemplar or page file, from the cache when its text has not changed; raises ContentError."""

    def parse(text: str, text_digest: str) -> SourceFile:
        meta, body, body_line, meta_digest = split_front_matter(path, text)
        return SourceFile(path, path.stem, meta, body, body_line, text_digest, meta_digest,
                          internal_links(body, body_line))

    return _cached(path, cache, SourceFile, parse)


def read_markdown_files(paths: Sequence[Path], cache: ParseCache,
                        meanwhile: Iterable[object] = (),
                        ) -> list[SourceFile | ContentError]:
    """Each file as read_markdown_file reads it, or the error that stops it, in order.

    A file whose parse of its text as it is now memory or the store holds is taken here: taking
    a parse back from a worker costs about what decoding the stored one does. The others (all
    of them in a clean build, every file after an edit to all of them) are read and parsed on
    every core (parallel.chunked); what each worker learned is merged into cache here, as if
    this process had read them. meanwhile's steps are taken here while the workers read.
    """
    done: dict[Path, SourceFile | ContentError] = {}
    todo = []
    for path in paths:
        hit = cache.untouched(path)
        if isinstance(hit, SourceFile):
            done[path] = hit
        elif cache.may_hold(path) and (known := _known(path, cache)) is not None:
            done[path] = known
        else:
            todo.append(path)
    read = iter(todo)
    for chunk in parallel.chunked(lambda part: _read_chunk(part, cache), todo,
                                  serial_below=PARALLEL_FROM, largest=parallel.LARGEST_LIGHT,
                                  meanwhile=meanwhile):
        for result, row in chunk:
            path = next(read)
            if isinstance(result, tuple):
                result = _from_parts(path, result)
            done[path] = result
            if isinstance(result, SourceFile):
                cache.seen[str(path)] = (result.digest, result)
            if row is not None:
                cache.new[str(path)] = row
    return [done[path] for path in paths]


def _read_chunk(paths: Sequence[Path], cache: ParseCache,
                ) -> list[tuple[SourceFile | ContentError | tuple, tuple[str, str] | None]]:
    """Each file's parse or error, and its new row for the store (None: the store has it)."""
    out: list[tuple[SourceFile | ContentError | tuple, tuple[str, str] | None]] = []
    for path in paths:
        try:
            source = read_markdown_file(path, cache)
        except ContentError as error:
            out.append((error, None))
            continue
        # from a worker, a parse goes back as its parts: the main process has the Path, and
        # making Paths and dataclasses again was most of what taking a parse back cost
        out.append((_parts(source) if parallel.in_worker() else source, cache.new.get(str(path))))
    return out


def _known(path: Path, cache: ParseCache) -> SourceFile | ContentError | None:
    """The file's parse when memory or the store holds the one of its text now, or the error that
    stops reading it; None: it must be parsed."""
    try:
        text = read_text(path)
    except ContentError as error:
        return error
    hit = cache.get(path, text, digest(text))
    return hit if isinstance(hit, SourceFile) else None


def _parts(source: SourceFile) -> tuple:
    meta = source.meta
    return (meta.data, meta.lines, meta.first_line, meta.end_line, meta.problems, source.body,
            source.body_line, source.digest, source.meta_digest, source.links)


def _from_parts(path: Path, parts: tuple) -> SourceFile:
    data, lines, first_line, end_line, problems, body, body_line, digest_, meta_digest, links = parts
    return SourceFile(path, path.stem, Doc(path, data, lines, first_line, end_line, problems), body,
                      body_line, digest_, meta_digest, links)


def _cached(path: Path, cache: ParseCache, kind: type, parse: Callable[[str, str], Any]) -> Any:
    """A file's parse: kept when the file was not touched, reused when its text is the same."""
    hit = cache.untouched(path)
    if hit is not None:
        return hit
    text = read_text(path)
    text_digest = digest(text)
    hit = cache.get(path, text, text_digest)
    if isinstance(hit, kind):
        return hit
    result = parse(text, text_digest)
    cache.put(path, text_digest, result)
    return result


# --- parses as plain JSON for the store, and back, checking every part ---------------------


def _to_plain(value: SourceFile | tuple[Doc, str]) -> str | None:
    """JSON text of a parse; None when its YAML holds what JSON cannot carry exactly."""
    if isinstance(value, SourceFile):
        # the story is the end of the file's text, which the build reads anyway: its length will do
        doc, extra = value.meta, {"body_length": len(value.body), "body_line": value.body_line,
                                  "meta_digest": value.meta_digest, "links": value.links}
    else:
        doc, extra = value[0], {}
    if doc.problems or not _is_plain(doc.data):
        return None  # broken, or e.g. a number as a key or a set: parsed again next time
    lines = [[*keys, line] for keys, line in doc.lines.items()]
    try:
        return json.dumps({"data": doc.data, "lines": lines, "first": doc.first_line,
                           "end": doc.end_line, **extra},
                          ensure_ascii=False, allow_nan=False)
    except (ValueError, RecursionError):
        return None


def _is_plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_plain(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


def _from_plain(path: Path, plain: str, text: str,
                text_digest: str) -> SourceFile | tuple[Doc, str] | None:
    """A parse of text back from the store's JSON, or None when any part is not what _to_plain
    writes."""
    try:
        row = json.loads(plain)
        lines = {tuple(entry[:-1]): entry[-1] for entry in row["lines"]}
        first, end = row["first"], row["end"]
        doc = Doc(path, row["data"], lines, first, end)
        if not {type(line) for line in lines.values()} <= {int} \
                or not {type(k) for keys in lines for k in keys} <= {str, int} \
                or not isinstance(first, int) or not isinstance(end, int):
            return None
        if "body_length" not in row:
            return doc, text_digest
        length, body_line, meta_digest = row["body_length"], row["body_line"], row["meta_digest"]
        links = tuple((line, target) for line, target in row["links"]
                      if type(line) is int and isinstance(target, str))
        if len(links) != len(row["links"]):
            return None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    if not (type(length) is int and 0 <= length <= len(text) and isinstance(body_line, int)
            and isinstance(meta_digest, str)):
        return None
    return SourceFile(path, path.stem, doc, text[len(text) - length:], body_line, text_digest,
                      meta_digest, links)


def rubric_files(folder: Path, problems: Problems, root: Path | None = None) -> list[Path]:
    """The standards in rubric/: every .yaml and .yml file but levels.yaml; other files are reported."""
    found = []
    # links that lead out, dangle or loop are reported there; the folder itself may not be a link
    inside = set(site_files(folder, root or folder.parent, problems))
    for path in sorted(folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else []:
        if path.name.startswith(".") or path.name == "levels.yaml":
            continue
        if path.is_symlink() and path not in inside:
            continue
        if path.name == "levels.yml":
            problems.add(path, None, "the phases are read from rubric/levels.yaml only",
                         "rename it to levels.yaml")
        elif path.suffix in (".yaml", ".yml") and path.is_file():
            found.append(path)
        else:
            problems.add(path, None, "not read: rubric/ holds levels.yaml and one .yaml file per standard",
                         "move it out of rubric/, or give a standard's file the .yaml ending")
    return found


def read_sources(root: Path, problems: Problems, cache: ParseCache | None = None,
                 meanwhile: Iterable[object] = ()) -> Sources:
    """Read site.yaml, rubric/ and content/; a file that cannot be parsed becomes a problem.
    meanwhile's steps are taken while the exemplars are read (the build compiles its templates)."""
    cache = cache if cache is not None else ParseCache()
    digests: dict[str, str] = {}

    def yaml_file(path: Path) -> Doc | None:
        try:
            doc, file_digest = _load_yaml_file(path, cache)
        except ContentError as error:
            problems.extend([error])
            return None
        digests[file_key(path)] = file_digest
        return doc

    def markdown_files(folder: Path, meanwhile: Iterable[object] = ()) -> tuple[SourceFile, ...]:
        found = []
        paths = site_files(folder, root, problems, suffix=".md")
        for source in read_markdown_files(paths, cache, meanwhile):
            if isinstance(source, ContentError):
                problems.extend([source])
                continue
            path = source.path
            digests[file_key(path)] = source.digest
            digests[meta_key(path)] = source.meta_digest
            found.append(source)
        return tuple(found)

    check_folders(root, ("templates", "assets"), problems)  # read whole by render and post
    config_path = root / "site.yaml"
    config = yaml_file(config_path) if checked_file(config_path, root, problems) else None
    levels_path = root / "rubric" / "levels.yaml"
    if checked_file(levels_path, root, problems):
        levels = yaml_file(levels_path)
    else:
        levels = None
        if not any(p.path == levels_path for p in problems.items):  # not a link out
            problems.add(levels_path, None, "missing rubric/levels.yaml", "the site needs its phases")
    standard_paths = rubric_files(root / "rubric", problems, root)
    if not standard_paths:
        problems.add(root / "rubric", None, "no standard found", "add rubric/<standard>.yaml")
    standards = tuple(d for d in (yaml_file(p) for p in standard_paths) if d is not None)
    content = root / "content"
    return Sources(
        root=root,
        config=config,
        levels=levels,
        standards=standards,
        exemplars=markdown_files(content / "exemplars", meanwhile),
        pages=markdown_files(content / "pages"),
        digests=digests,
    )
