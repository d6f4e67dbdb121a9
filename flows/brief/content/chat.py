"""What a work-group robot posts: the leader block of the briefing the email carries, as lines.

Built from the same content object the email renders (Briefing.context.leader, targets_lines,
levers_lines, coverage_notes), never from the email's HTML, so a chat post and the email always say
the same numbers, and parts added to the leader block later flow into the post by themselves (any
further tuple of lines on LeaderBlock is posted after the known ones).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

MORE_NOTE = "另有{n}条未列出，详见邮件"
KNOWN_LEADER_FIELDS = ("counts", "entered", "left", "benchmarks")


@dataclass(frozen=True)
class ChatSection:
    heading: str                 # "" for the block's own lines (counts, 新进/跌出, 学/超)
    lines: tuple[str, ...]
    lead: str = ""               # a first line printed plain above the list (目标任务's count)


@dataclass(frozen=True)
class ChatText:
    kind: str
    title: str                   # 【每周调度】武义县 2026年1-10月 第48周 (the email's subject)
    notes: tuple[str, ...]       # coverage notes: a group's newer period not yet published in full
    headline: tuple[str, ...]    # top-three counts per group with the change, printed bold
    sections: tuple[ChatSection, ...]
    email_line: str              # the full briefing went by email, with its attachment's name
    data_as_of: str
    left_out: int = 0            # lines dropped to fit the platform's size limit

    @property
    def more_note(self) -> str:
        return MORE_NOTE.format(n=self.left_out) if self.left_out else ""


def chat_text(kind: str, subject: str, context: object, attachment_name: str = "") -> ChatText:
    """The post's lines from a weekly or monthly briefing's context (content/weekly.py, tables.py)."""
    leader = context.leader
    news = tuple(f"新进前三{x}" for x in leader.entered) + tuple(f"跌出前三{x}" for x in leader.left)
    extra = tuple(ChatSection("", _lines(getattr(leader, f.name))) for f in fields(leader)
                  if f.name not in KNOWN_LEADER_FIELDS and _lines(getattr(leader, f.name)))
    sections = [ChatSection("", news), ChatSection("", tuple(leader.benchmarks)), *extra]
    targets = tuple(getattr(context, "targets_lines", ()) or ())
    if targets:
        sections.append(ChatSection("目标任务（序时进度）", targets[1:], targets[0]))
    levers = tuple(getattr(context, "levers_lines", ()) or ())
    if levers:
        sections.append(ChatSection("争进位", levers[1:], levers[0]))
    email = "完整简报已通过邮件发送" + (f"（附件：{attachment_name}）" if attachment_name else "") + "。"
    return ChatText(kind, subject, tuple(getattr(context, "coverage_notes", ()) or ()), tuple(leader.counts),
                    tuple(s for s in sections if s.lines or s.lead), email, getattr(context, "data_as_of", ""))


def _lines(value: object) -> tuple[str, ...]:
    """A field's lines when it is a tuple of them (str, or objects with a str `text` like weekly.Line), else ()."""
    if not isinstance(value, tuple):
        return ()
    texts = tuple(x if isinstance(x, str) else getattr(x, "text", None) for x in value)
    return texts if all(isinstance(t, str) for t in texts) else ()


def without_last_line(text: ChatText) -> ChatText | None:
    """The same post with its last detail line left out (counted in left_out); None when only the
    headline is left, which is never cut: it is what the post is for."""
    sections = list(text.sections)
    while sections and not sections[-1].lines and not sections[-1].lead:
        sections.pop()
    if not sections:
        return None
    last = sections[-1]
    if last.lines:
        sections[-1] = replace(last, lines=last.lines[:-1])
    else:
        sections[-1] = replace(last, lead="")
    kept = tuple(s for s in sections if s.lines or s.lead)
    return replace(text, sections=kept, left_out=text.left_out + 1)

