"""The translation workflow, enforced here for the browser, the API and tests alike:

    requested → in progress → submitted → approved → published
    submitted → changes requested (reviewer, with a comment) → in progress → submitted
    submitted / approved / published → in progress (reopen: editors; the translator when the
    source changed)

Submitting and approving run the quality checks: an error blocks them unless a reviewer accepted
it (``QAOverride``); a reviewer may approve over the remaining errors by giving a reason, which
records an override for each. Approval stores the translation in the translation memory."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import signals
from articles.models import Notification, QAOverride, Translation, TranslationStatus
from articles.roles import Role, has_role
from articles.translations.services import (
    TranslationError,
    TranslationPermissionDenied,
    TranslationVersionConflict,
    _locked,
    _save,
    translation_qa_record,
)

T = TranslationStatus


class QualityCheckFailed(TranslationError):
    """Submit or approve refused: errors of the quality checks nobody accepted."""

    def __init__(self, message: str, findings: list, *, errors: int = 0, warnings: int = 0):
        super().__init__(message)
        self.findings = findings
        self.errors, self.warnings = errors, warnings


class TranslationCommentRequired(TranslationError):
    pass


@dataclass(frozen=True)
class TranslationStep:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    comment_required: bool = False


TRANSLATION_STEPS: dict[str, TranslationStep] = {
    step.name: step
    for step in (
        TranslationStep("start", _("Start translating"),
                        frozenset({T.REQUESTED, T.CHANGES_REQUESTED}), T.IN_PROGRESS),
        TranslationStep("submit", _("Submit for review"),
                        frozenset({T.REQUESTED, T.IN_PROGRESS, T.CHANGES_REQUESTED}), T.SUBMITTED),
        TranslationStep("request_changes", _("Request changes"), frozenset({T.SUBMITTED}),
                        T.CHANGES_REQUESTED, comment_required=True),
        TranslationStep("approve", _("Approve translation"), frozenset({T.SUBMITTED}),
                        T.APPROVED),
        TranslationStep("publish", _("Publish translation"), frozenset({T.APPROVED}),
                        T.PUBLISHED),
        TranslationStep("reopen", _("Reopen for translation"),
                        frozenset({T.SUBMITTED, T.APPROVED, T.PUBLISHED}), T.IN_PROGRESS),
    )
}  # fmt: skip


def _is_translator(user: AbstractBaseUser | AnonymousUser, translation: Translation) -> bool:
    return user.is_authenticated and (
        user.is_superuser or has_role(user, Role.EDITOR) or translation.translator_id == user.pk
    )


def _is_reviewer(user: AbstractBaseUser | AnonymousUser, translation: Translation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return has_role(user, Role.REVIEWER) and translation.reviewer_id in (None, user.pk)


def _is_editor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.EDITOR))


def _role_allows(
    user: AbstractBaseUser | AnonymousUser, translation: Translation, step: TranslationStep
) -> bool:
    if step.name in ("start", "submit"):
        return _is_translator(user, translation)
    if step.name in ("request_changes", "approve"):
        return _is_reviewer(user, translation)
    if step.name == "publish":
        return _is_editor(user)
    if step.name == "reopen":
        return _is_editor(user) or (translation.is_outdated and _is_translator(user, translation))
    return False


def translation_steps_available(
    user: AbstractBaseUser | AnonymousUser, translation: Translation
) -> list[TranslationStep]:
    return [
        step
        for step in TRANSLATION_STEPS.values()
        if translation.status in step.sources and _role_allows(user, translation, step)
    ]


def translation_step_check(
    user: AbstractBaseUser | AnonymousUser, translation: Translation, step_name: str
) -> TranslationStep:
    step = TRANSLATION_STEPS.get(step_name)
    if step is None:
        raise TranslationPermissionDenied(
            gettext("Unknown workflow step «%(step)s».") % {"step": step_name}
        )
    if not _role_allows(user, translation, step):
        raise TranslationPermissionDenied(
            gettext("You cannot do «%(step)s» on this translation.") % {"step": step.label}
        )
    if translation.status not in step.sources:
        raise TranslationError(
            gettext("«%(step)s» is not possible while the translation is «%(status)s».")
            % {"step": step.label, "status": translation.get_status_display()}
        )
    return step


def _notify(translation: Translation, user: AbstractBaseUser, step: str, message: str) -> None:
    from articles.collaboration import notify

    if step in ("submit",):
        recipients = [translation.reviewer_id]
    elif step in ("request_changes", "approve", "reopen"):
        recipients = [translation.translator_id]
    else:
        recipients = [translation.translator_id, translation.reviewer_id]
    recipients = [pk for pk in dict.fromkeys(recipients) if pk and pk != user.pk]
    if recipients:
        notify(
            recipient_ids=recipients,
            actor=user,
            article=translation.article,
            kind=Notification.Kind.TRANSITION,
            step=f"tr_{step}",
            message=message
            or gettext("%(language)s translation")
            % {"language": translation.get_language_display()},
        )


def translation_transition(
    *,
    translation_id: int,
    step_name: str,
    user: AbstractBaseUser,
    expected_version: int,
    comment: str = "",
    override_reason: str = "",
) -> Translation:
    """Move a translation one workflow step, if the user's role and the checks allow it.

    ``override_reason`` (reviewers approving) accepts every remaining error of the checks."""
    try:
        return _transition(
            translation_id=translation_id,
            step_name=step_name,
            user=user,
            expected_version=expected_version,
            comment=comment.strip(),
            override_reason=override_reason.strip(),
        )
    except QualityCheckFailed as refused:
        # The refusal rolled the step back; the counts of the run are still worth showing.
        translation = Translation.objects.get(pk=translation_id)
        translation_qa_record(
            translation=translation, errors=refused.errors, warnings=refused.warnings
        )
        raise


def _transition(
    *,
    translation_id: int,
    step_name: str,
    user: AbstractBaseUser,
    expected_version: int,
    comment: str,
    override_reason: str,
) -> Translation:
    from articles.collaboration import comment_add
    from articles.translations.memory import memory_store_translation
    from articles.translations.quality import translation_findings

    with transaction.atomic():
        translation = _locked(translation_id, None)
        step = translation_step_check(user, translation, step_name)
        if translation.version != expected_version:
            raise TranslationVersionConflict(translation, expected_version)
        if step.comment_required and not comment:
            raise TranslationCommentRequired(
                gettext("Say why: «%(step)s» needs a comment.") % {"step": step.label}
            )
        if step.name == "publish" and translation.is_outdated:
            raise TranslationError(
                gettext(
                    "The source changed after this translation was made; update the changed "
                    "paragraphs before publishing."
                )
            )
        if step.name in ("submit", "approve"):
            report = translation_findings(translation=translation)
            translation_qa_record(
                translation=translation, errors=report.errors, warnings=report.warnings
            )
            blocking = report.blocking
            if blocking and step.name == "approve" and override_reason:
                QAOverride.objects.bulk_create(
                    [
                        QAOverride(
                            translation=translation,
                            check_code=f.check,
                            paragraph=f.paragraph,
                            fingerprint=f.fingerprint,
                            message=f.message[:500],
                            reason=override_reason[:5000],
                            user=user,
                        )
                        for f in blocking
                    ],
                    ignore_conflicts=True,
                )
                blocking = []
            if blocking:
                raise QualityCheckFailed(
                    gettext(
                        "%(count)s quality-check error(s) must be fixed or accepted by the "
                        "reviewer first."
                    )
                    % {"count": len(blocking)},
                    blocking,
                    errors=report.errors,
                    warnings=report.warnings,
                )
        translation.status = step.target
        reason = f"{step.name}: {comment}" if comment else step.name
        _save(translation, user, reason, ["status"])
        if comment:
            comment_add(
                article=translation.article,
                author=user,
                body=f"[{translation.language}] {comment}",
                transition=f"tr_{step.name}"[:20],
            )
        if step.name == "approve":
            memory_store_translation(translation=translation, user=user)
            transaction.on_commit(
                lambda: signals.translation_approved.send(
                    sender=Translation, translation=translation
                )
            )
        _notify(translation, user, step.name, comment)
    return translation
