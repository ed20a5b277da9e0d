"""PURE: review a valid register as a data-protection officer would, field by field.

Beside the schema and reference checks (which make a register invalid), `review` reports
what would make a letter wrong: placeholders, the wrong supervisory authority, a retention
shorter than the statute it cites, a retention that states neither a period nor criteria,
a transfer on Privacy Shield, an Art. 22 decision without its Art. 15(1)(h) and 22(2)-(3)
facts. Severities are documented in docs/register.md ("What the review reports").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dsar.register.activities import Activity, Retention
from dsar.register.authorities import competent_authority_findings
from dsar.register.datasources import ManualSource, SqlSource
from dsar.register.placeholders import placeholders
from dsar.register.primitives import Duration
from dsar.register.problems import Finding
from dsar.register.schema import Register
from dsar.register.statutory import cited_minimums

# A text that admits it gives no period, or is nothing but a formula (Art. 15(1)(d)).
_NO_PERIOD = re.compile(
    r"(?i)\b(?:states|gives|names|sets)\s+no\s+(?:retention\s+)?period\b"
    r"|\bno\s+(?:retention\s+)?period\s+is\s+(?:stated|given|named|set)\b"
    r"|\bnennt\s+keine\s+(?:Speicher)?(?:frist|dauer)\b"
    r"|\b(?:Speicher)?(?:frist|dauer)\s+nennt\s+.{0,40}\bnicht\b"
)
_FORMULA_ONLY = re.compile(
    r"(?i)(?:for\s+)?as\s+long\s+as\s+(?:is\s+)?(?:necessary|required|needed)"
    r"|(?:in\s+accordance\s+with|according\s+to|as\s+required\s+by)\s+(?:the\s+)?"
    r"(?:law|statutory\s+(?:retention\s+)?(?:periods|requirements|obligations))"
    r"|so\s*lange\s+(?:wie\s+)?(?:nötig|notwendig|erforderlich)"
    r"|(?:nach|gemäß)\s+(?:den\s+)?gesetzlichen\s+(?:Aufbewahrungs)?(?:fristen|vorgaben|pflichten)"
)
# A text that states a period names a number or a unit of time.
_PERIOD_WORDS = re.compile(
    r"(?i)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
    r"|year|month|week|day|hour|jahr|monat|woche|tag|stunde|jaar|maand|dag"
)
_ART22_FIELDS = {
    "logic": "the logic involved (Art. 15(1)(h))",
    "significance": "its significance for the data subject (Art. 15(1)(h))",
    "consequences": "its envisaged consequences (Art. 15(1)(h))",
    "exception": "the Art. 22(2) exception allowing it: contract, law or consent",
    "safeguards": "the Art. 22(3) safeguards: human intervention, stating one's view, contesting",
}


def review(register: Register) -> list[Finding]:
    """Every finding about `register`, errors and warnings: placeholders, the authority, then
    activity by activity."""
    findings = [Finding(path, why) for path, why in placeholders(register)]
    findings += competent_authority_findings(register)
    languages = register.controller.languages
    for index, activity in enumerate(register.activities):
        at = f"activities[{index}]"
        findings += statutory_shortfalls(activity.retention, f"{at}.retention")
        findings += vague_retention(activity.retention, f"{at}.retention", languages)
        findings += privacy_shield(activity, at)
        findings += automated_decision_gaps(activity, f"{at}.automated_decision")
    findings += unstoppable_consent(register)
    return findings


def unstoppable_consent(register: Register) -> list[Finding]:
    """A consent-based activity no source says how to stop: no `stop` rule on a table or file
    holding it, and no manual source serving it that staff could stop it in by hand."""
    stoppable = {
        activity
        for source in register.sources
        for part in (source.tables if isinstance(source, SqlSource) else [source])
        for activity in (
            part.activities if isinstance(part, ManualSource) else getattr(part, "stop", {})
        )
    }
    return [
        Finding(
            f"activities[{index}].legal_basis",
            f"{activity.id} rests on consent (6.1.a), but no source says how it stops: give a "
            "table or file holding it a stop rule, or a manual source serving it, so that a "
            "withdrawal (Art. 7(3)) can be carried out",
            "warning",
        )
        for index, activity in enumerate(register.activities)
        if "6.1.a" in activity.legal_basis and activity.id not in stoppable
    ]


def statutory_shortfalls(retention: Retention, at: str) -> list[Finding]:
    """A period shorter than a statutory minimum the retention's norm cites."""
    findings = []
    then = retention.then
    checks = []
    if retention.norm and retention.duration is not None:
        total = retention.duration
        if then is not None and then.norm in (None, retention.norm):
            total = _plus(total, then.duration)  # the follow-on counts toward the same norm
        checks.append((retention.norm, total, f"{at}.duration", f"{at}.norm"))
    if then is not None and then.norm and then.norm != retention.norm:
        checks.append((then.norm, then.duration, f"{at}.then.duration", f"{at}.then.norm"))
    for norm, duration, path, norm_path in checks:
        for citation in cited_minimums(norm):
            if _months(duration) < 12 * citation.years:
                items = f" Nr. {', '.join(citation.items)}" if citation.items else ""
                findings.append(
                    Finding(
                        path,
                        f"{_describe(duration)} is shorter than the {citation.years} years "
                        f"{citation.norm.law}{items} requires ({norm_path} cites it; "
                        f"{citation.norm.source}): data would be deleted too early",
                    )
                )
    return findings


def vague_retention(retention: Retention, at: str, languages: Sequence[str]) -> list[Finding]:
    """A text that states neither a period nor the criteria for one (Art. 15(1)(d)). Narrow:
    it says that it gives no period, is only a formula ("as long as necessary"), or leaves out
    the structured duration."""
    findings = []
    for language in languages:
        text = retention.text.get(language)
        if text is None:
            continue
        path = f"{at}.text.{language}"
        bare = text.strip().rstrip(".").strip()
        if _NO_PERIOD.search(text):
            why = "says that no period is given"
        elif _FORMULA_ONLY.fullmatch(bare):
            why = "is only a formula"
        elif retention.duration is not None and not _PERIOD_WORDS.search(text):
            why = f"does not state the period ({_describe(retention.duration)})"
        else:
            continue
        findings.append(
            Finding(
                path,
                f"{text!r} {why}: the letter must give the storage period or the criteria "
                "used to determine it (Art. 15(1)(d) GDPR)",
                "warning",
            )
        )
    return findings


def privacy_shield(activity: Activity, at: str) -> list[Finding]:
    """A transfer resting on the EU-US Privacy Shield, invalid since CJEU C-311/18."""
    findings = []
    for index, transfer in enumerate(activity.transfers):
        path = f"{at}.transfers[{index}]"
        if transfer.safeguard == "privacy_shield":
            findings.append(
                Finding(
                    f"{path}.safeguard",
                    "the EU-US Privacy Shield was declared invalid by the CJEU (C-311/18, "
                    "Schrems II, 16 July 2020): name the safeguard the transfer rests on now "
                    "(e.g. adequacy_decision under the EU-US Data Privacy Framework for a "
                    "certified recipient, or standard_contractual_clauses)",
                )
            )
        elif any("privacy shield" in t.lower() for t in transfer.description.root.values()):
            findings.append(
                Finding(
                    f"{path}.description",
                    "mentions the Privacy Shield, invalid since CJEU C-311/18: make sure the "
                    "transfer does not rest on it and the letter does not suggest it does",
                    "warning",
                )
            )
    return findings


def automated_decision_gaps(activity: Activity, at: str) -> list[Finding]:
    """A present Art. 22 decision without each fact Art. 15(1)(h) and 22(2)-(3) require."""
    decision = activity.automated_decision
    if decision is None or not decision.present:
        return []
    return [
        Finding(f"{at}.{name}", f"an automated decision (Art. 22) needs {what}")
        for name, what in _ART22_FIELDS.items()
        if getattr(decision, name) is None
    ]


def _months(duration: Duration) -> float:
    return 12 * duration.years + duration.months + duration.days / 30.4375


def _plus(first: Duration, second: Duration) -> Duration:
    return Duration(
        years=first.years + second.years,
        months=first.months + second.months,
        days=first.days + second.days,
    )


def _describe(duration: Duration) -> str:
    units = ((duration.years, "year"), (duration.months, "month"), (duration.days, "day"))
    parts = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in units if n]
    return " ".join(parts)
