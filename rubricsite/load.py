"""Stage 1, load: read the site's files, parse YAML keeping line numbers, split front matter."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from . import limits
from .errors import ContentError, Problems
from .frontmatter import reread
from .safety import check_folders, checked_file, hidden_character, site_files
from .wording import yaml_problem

try:  # libyaml keeps line marks through compose and is several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python fallback where libyaml is missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

KeyPath = tuple[str | int, ...]


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
    _mark_lines(node, (), lines, first_line, path, set())
    try:
        data = _Constructor().construct_document(node)
    except yaml.YAMLError as exc:
        line = first_line + exc.problem_mark.line if getattr(exc, "problem_mark", None) else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(path, line or first_line, "a value here starts with !, which YAML reads "
                           f"as an instruction ({problem})",
                           "write plain text, in quotes when it starts with !") from None
    _refuse_hidden(path, data, (), lines, first_line)
    return Doc(path, data, lines, first_line, end_line)


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
    """A Markdown file's front matter Doc, its body, the body's first line, the front matter's hash."""
    lines = text.split("\n")
    if not lines or not _is_fence(lines[0]):
        raise ContentError(
            path, 1, "missing front matter", "start the file with a line '---', the fields, then '---'"
        )
    for index in range(1, len(lines)):
        if _is_fence(lines[index]):
            limits.check_front_matter(path, index - 1, sum(len(x) + 1 for x in lines[1:index]))
            meta = _front_matter_doc(path, "\n".join(lines[1:index]))
            return meta, "\n".join(lines[index + 1 :]), index + 2, digest("\n".join(lines[:index]))
    raise ContentError(
        path, 1, "front matter is not closed", "add a line '---' after the last field"
    )


def _is_fence(line: str) -> bool:
    # only '---' at the start of a line: an indented '  ---' belongs to a multi-line YAML value
    return line.rstrip() == "---"


def _front_matter_doc(path: Path, text: str) -> Doc:
    """The front matter's Doc; when its YAML is broken, the fields that can still be read, with a
    problem on the line of each mistake, so one round shows them all."""
    try:
        return parse_yaml(path, text, first_line=2)
    except YAMLSyntaxError as error:
        data, lines, found = reread(path, text, 2, parse_yaml)
        return Doc(path, data, lines, 2, 2 + text.count("\n") + 1, tuple(found) or (error,))


def meta_key(path: Path) -> str:
    """The input key of a file's front matter alone."""
    return f"{path}#meta"


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class ParseCache:
    """Parsed files from the last build keyed by path, size and mtime: a no-op rebuild reads nothing.

    With `changed` given (serve: the file watcher names what changed), every other file is
    taken from the cache without even a stat, so a rebuild costs the same at 10 or 10,000 files.
    """

    def __init__(
        self,
        entries: dict[str, tuple[int, int, object]] | None = None,
        changed: Iterable[Path] | None = None,
    ) -> None:
        self.entries = entries or {}
        self.seen: dict[str, tuple[int, int, object]] = {}
        self.changed = None if changed is None else {str(p) for p in changed}

    def get(self, path: Path) -> object | None:
        hit = self.entries.get(str(path))
        if hit and self.changed is not None and str(path) not in self.changed:
            self.seen[str(path)] = hit
            return hit[2]
        stat = path.stat()
        if hit and hit[0] == stat.st_mtime_ns and hit[1] == stat.st_size:
            self.seen[str(path)] = hit
            return hit[2]
        return None

    def put(self, path: Path, value: object) -> None:
        stat = path.stat()
        self.seen[str(path)] = (stat.st_mtime_ns, stat.st_size, value)


def _load_yaml_file(path: Path, cache: ParseCache) -> tuple[Doc, str]:
    hit = cache.get(path)
    if hit is not None:
        return hit  # type: ignore[return-value]
    text = read_text(path)
    result = (parse_yaml(path, text), digest(text))
    cache.put(path, result)
    return result


def read_markdown_file(path: Path, cache: ParseCache) -> SourceFile:
    """One exemplar or page file, from the cache when it has not changed; raises ContentError."""
    return _load_markdown_file(path, cache)


def _load_markdown_file(path: Path, cache: ParseCache) -> SourceFile:
    hit = cache.get(path)
    if hit is not None:
        return hit  # type: ignore[return-value]
    text = read_text(path)
    meta, body, body_line, meta_digest = split_front_matter(path, text)
    source = SourceFile(path, path.stem, meta, body, body_line, digest(text), meta_digest)
    cache.put(path, source)
    return source


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


def read_sources(root: Path, problems: Problems, cache: ParseCache | None = None) -> Sources:
    """Read site.yaml, rubric/ and content/; a file that cannot be parsed becomes a problem."""
    cache = cache if cache is not None else ParseCache()
    digests: dict[str, str] = {}

    def yaml_file(path: Path) -> Doc | None:
        try:
            doc, file_digest = _load_yaml_file(path, cache)
        except ContentError as error:
            problems.extend([error])
            return None
        digests[str(path)] = file_digest
        return doc

    def markdown_files(folder: Path) -> tuple[SourceFile, ...]:
        found = []
        for path in site_files(folder, root, problems, suffix=".md"):
            try:
                source = _load_markdown_file(path, cache)
            except ContentError as error:
                problems.extend([error])
                continue
            digests[str(path)] = source.digest
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
        exemplars=markdown_files(content / "exemplars"),
        pages=markdown_files(content / "pages"),
        digests=digests,
    )
