"""`relief log ...`: add entries to the journal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, overload

import click

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from relief.core.services import Saved

from relief.cli.common import alert_dicts, current_user, echo_json, reports_errors, show_alerts


def _tz(user: User) -> str:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import time_zone_of

    return time_zone_of(user)


@overload
def _when(user: User, text: str) -> datetime: ...
@overload
def _when(user: User, text: str | None) -> datetime | None: ...
def _when(user: User, text: str | None) -> datetime | None:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.timeutil import parse_when

    return None if text is None else parse_when(text, _tz(user))


def _print_saved(saved: Saved) -> None:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.exchange.jsonformat import serialize

    show_alerts(saved.alerts)
    echo_json({"entry": serialize(saved.entry), "alerts": alert_dicts(saved.alerts)})


def _tri(value: bool | None) -> bool | None:
    return value


@click.group("log")
def log() -> None:
    """Add an entry: attack, dose, day, side-effect, outcome, medication, and more.

    \b
    Example:
      relief log attack --start "20m ago" --pain 6 --side left --nausea
    """


SYMPTOM_OPTIONS = [
    "nausea",
    "vomiting",
    "photophobia",
    "phonophobia",
    "osmophobia",
    "dizziness",
    "allodynia",
    "neck-pain",
]
AURA_OPTIONS = ["aura-visual", "aura-sensory", "aura-speech", "aura-motor", "aura-brainstem", "aura-retinal"]


def _tri_state_options(names: list[str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for name in reversed(names):
            func = click.option(
                f"--{name}/--no-{name}", default=None, help=f"{name.replace('-', ' ')} (omit: unknown)"
            )(func)
        return func

    return decorate


@log.command("attack")
@click.option(
    "--start", default="now", show_default=True, help="When it began: now, '30m ago', '2026-11-20 14:30'."
)
@click.option("--end", default=None, help="When it ended (omit while it is ongoing).")
@click.option("--pain", type=int, default=None, help="Pain 0-10 at the start.")
@click.option(
    "--pain-4pt",
    type=click.Choice(["none", "mild", "moderate", "severe"]),
    default=None,
    help="Pain on the 4-point scale.",
)
@click.option("--side", type=click.Choice(["left", "right", "both", "alternating"]), default=None)
@click.option("--region", default=None, help="forehead, temple, eye, top, back, neck, face, whole")
@click.option("--quality", type=click.Choice(["pulsating", "pressing", "stabbing", "other"]), default=None)
@click.option("--worse-with-activity/--not-worse-with-activity", default=None)
@_tri_state_options(SYMPTOM_OPTIONS + AURA_OPTIONS)
@click.option("--aura-minutes", type=int, default=None, help="How long the aura lasted.")
@click.option(
    "--aura-spread/--no-aura-spread",
    "aura_spreads_gradually",
    default=None,
    help="The aura spread gradually over 5 minutes or more (omit: unknown).",
)
@click.option(
    "--aura-positive/--no-aura-positive",
    default=None,
    help="The aura had positive symptoms: flickering lights, zigzags, pins and needles (omit: unknown).",
)
@click.option(
    "--aura-one-sided/--no-aura-one-sided",
    "aura_unilateral",
    default=None,
    help="The aura was on one side (omit: unknown).",
)
@click.option(
    "--most-bothersome", type=click.Choice(["nausea", "photophobia", "phonophobia", "other"]), default=None
)
@click.option(
    "--disability", type=click.IntRange(0, 3), default=None, help="0 none, 1 mild, 2 severe, 3 bed rest"
)
@click.option("--notes", default="")
@reports_errors
def log_attack(
    start: str,
    end: str | None,
    pain: int | None,
    pain_4pt: str | None,
    side: str | None,
    region: str | None,
    quality: str | None,
    worse_with_activity: bool | None,
    aura_minutes: int | None,
    most_bothersome: str | None,
    disability: int | None,
    notes: str,
    **flags: bool | None,
) -> None:
    """Log an attack (episode). Unknown symptoms stay unknown unless you say yes or no.

    \b
    Example:
      relief log attack --start "45m ago" --pain 7 --pulsating --side left --nausea --photophobia --phonophobia
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.diary.services import Pain
    from relief.diary.services import log_attack as service

    user = current_user()
    started = _when(user, start)
    fields: dict[str, Any] = {k: v for k, v in flags.items() if v is not None}
    fields.update(
        {
            k: v
            for k, v in {
                "side": side,
                "region": region,
                "quality": quality,
                "worse_with_activity": worse_with_activity,
                "aura_duration_min": aura_minutes,
                "most_bothersome": most_bothersome,
                "disability": disability,
            }.items()
            if v is not None
        }
    )
    samples = []
    if pain is not None or pain_4pt is not None:
        four = {"none": 0, "mild": 1, "moderate": 2, "severe": 3}.get(pain_4pt) if pain_4pt else None
        samples.append(Pain(at=started, nrs=pain, four_point=four))
    saved = service(user, started_at=started, ended_at=_when(user, end), notes=notes, pain=samples, **fields)
    _print_saved(saved)


@log.command("dose")
@click.argument("substance")
@click.argument("amount", type=float, required=False)
@click.argument("unit", required=False, default="")
@click.option("--at", "taken", default="now", show_default=True, help="When it was taken.")
@click.option(
    "--reason",
    type=click.Choice(["acute", "chronic", "preventive", "other"]),
    default="acute",
    show_default=True,
)
@click.option("--product", default=None, help="Product name (or id).")
@click.option("--batch", default=None, help="Lot number (or id) of the batch.")
@click.option("--route", default="oral", show_default=True)
@click.option("--stomach", type=click.Choice(["empty", "light", "full"]), default=None)
@click.option(
    "--attack",
    "attack_id",
    default=None,
    help="Id of the attack this dose treats (default for an acute dose: the attack going on, if any).",
)
@click.option("--no-attack", is_flag=True, help="Keep the dose apart from the attack going on.")
@click.option("--estimate", is_flag=True, help="The amount is an estimate.")
@click.option("--notes", default="")
@reports_errors
def log_dose(
    substance: str,
    amount: float | None,
    unit: str,
    taken: str,
    reason: str,
    product: str | None,
    batch: str | None,
    route: str,
    stomach: str | None,
    attack_id: str | None,
    no_attack: bool,
    estimate: bool,
    notes: str,
) -> None:
    """Log a dose: SUBSTANCE [AMOUNT UNIT]. Units: g, mg, mcg, ml, or one of your own units.

    \b
    Examples:
      relief log dose kratom 3 g --product "Red Bali" --stomach empty
      relief log dose sumatriptan 50 mg --attack 4f1c...
      relief log dose ibuprofen 400 mg --no-attack   (not for the attack going on)
      relief log dose kratom 4 capsule          (after: relief log unit capsule 0.5)
      relief log dose "dark room rest"
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.utils import timezone

    from relief.core.display import moment_text
    from relief.treatments.services import attack_treated_by, require_substance, resolve_dose_refs
    from relief.treatments.services import log_dose as service

    if attack_id and no_attack:
        raise click.UsageError("give --attack ID or --no-attack, not both")
    user = current_user()
    found = require_substance(user, substance)
    refs = resolve_dose_refs(user, product=product, batch=batch, attack=attack_id)
    taken_at = _when(user, taken)
    attack = refs.attack
    if attack is None and not no_attack and reason == "acute":
        # as the dose form does: an acute dose taken during the attack going on treats it
        attack = attack_treated_by(user, taken_at)
        if attack is not None:
            with timezone.override(_tz(user)):  # the person's clock, written as the pages write it
                since = moment_text(attack.started_at)
            click.echo(
                f"Linked to the attack going on since {since} (--no-attack to keep them apart).", err=True
            )
    saved = service(
        user,
        substance=found,
        amount=amount,
        unit=unit or "",
        taken_at=taken_at,
        reason=reason,
        product=refs.product,
        batch=refs.batch,
        route=route,
        stomach=stomach or "",
        attack=attack,
        is_estimate=estimate,
        notes=notes,
    )
    _print_saved(saved)


@log.command("day")
@click.option("--date", "day", default="today", show_default=True, help="today, yesterday or YYYY-MM-DD.")
@click.option(
    "--period",
    type=click.Choice(["day", "morning", "afternoon", "evening"]),
    default="day",
    show_default=True,
)
@click.option("--worst-pain", type=int, default=None, help="0-10")
@click.option(
    "--function", "function_", type=int, default=None, help="0 normal, 1 mild, 2 severe, 3 bed rest"
)
@click.option("--sleep-hours", type=float, default=None)
@click.option("--sleep-quality", type=int, default=None, help="1 very poor ... 5 very good")
@click.option("--stress", type=int, default=None, help="0-10")
@click.option("--mood", type=int, default=None, help="0 worst ... 10 best")
@click.option("--water", "water_l", type=float, default=None, help="litres")
@click.option("--caffeine", "caffeine_mg", type=float, default=None, help="mg")
@click.option("--alcohol", "alcohol_units", type=float, default=None, help="units")
@click.option("--exercise", "exercise_min", type=int, default=None, help="minutes")
@click.option("--bleeding", type=click.Choice(["none", "spotting", "light", "medium", "heavy"]), default=None)
@click.option("--skipped-meals", type=int, default=None)
@click.option("--pressure", "pressure_hpa", type=float, default=None, help="hPa")
@click.option("--temperature", "temperature_c", type=float, default=None, help="°C")
@click.option("--humidity", "humidity_pct", type=float, default=None, help="%")
@click.option(
    "--factor", "factors", multiple=True, help="A factor tag, optionally with an amount: 'red wine=2'."
)
@click.option("--notes", default=None)
@reports_errors
def log_day(
    day: str,
    period: str,
    function_: int | None,
    bleeding: str | None,
    factors: tuple[str, ...],
    **fields: Any,
) -> None:
    """Log or update a day record (several per day with --period). Given fields overwrite, others stay.

    \b
    Example:
      relief log day --worst-pain 3 --sleep-hours 6.5 --stress 7 --caffeine 200 --factor "red wine=2" --factor chocolate
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.timeutil import parse_day
    from relief.diary.services import log_day as service

    user = current_user()
    values = {k: v for k, v in fields.items() if v is not None}
    if function_ is not None:
        values["function"] = function_
    if bleeding is not None:
        values["menstrual_bleeding"] = ["none", "spotting", "light", "medium", "heavy"].index(bleeding)
    if "pressure_hpa" in values:
        values["weather_source"] = "manual"
    parsed: dict[str, float | None] = {}
    for item in factors:
        name, _, amount = item.partition("=")
        try:
            parsed[name.strip()] = float(amount) if amount.strip() else None
        except ValueError:
            # lazy: command modules load before Django is set up (relief.cli.main)
            from django.core.exceptions import ValidationError

            raise ValidationError(
                {"factor": f"amount of {name.strip()!r} must be a number, got {amount!r}"}
            ) from None
    saved = service(user, day=parse_day(day, _tz(user)), period=period, factors=parsed, **values)
    _print_saved(saved)


@log.command("side-effect")
@click.argument("symptom")
@click.option(
    "--severity", type=click.Choice(["mild", "moderate", "severe"]), default="mild", show_default=True
)
@click.option("--at", "when", default="now", show_default=True)
@click.option("--dose", "dose_id", default=None, help="Id of the dose you think caused it.")
@click.option("--notes", default="")
@reports_errors
def log_side_effect(symptom: str, severity: str, when: str, dose_id: str | None, notes: str) -> None:
    """Log a side effect. Red-flag symptoms (yellow skin or eyes, dark urine, chest pain, confusion,
    seizure, severe nausea, slow breathing) bring a "seek care" message at once.

    \b
    Example:
      relief log side-effect constipation --severity moderate --dose 4f1c...
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import ValidationError

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.access import owned
    from relief.core.validation import is_uuid
    from relief.diary.models import SideEffect
    from relief.diary.services import log_side_effect as service
    from relief.treatments.models import Dose

    user = current_user()
    key = symptom.strip().lower().replace(" ", "_").replace("-", "_")
    fields: dict[str, Any] = {"symptom": key}
    if key not in SideEffect.Symptom.values:
        fields = {"symptom": "other", "other_symptom": symptom}
    dose = None
    if dose_id:
        dose = owned(Dose, user).filter(pk=dose_id).first() if is_uuid(dose_id) else None
        if dose is None:
            raise ValidationError({"dose": f"no dose with id {dose_id!r}; see: relief list doses"})
    saved = service(user, severity=severity, occurred_at=_when(user, when), dose=dose, notes=notes, **fields)
    _print_saved(saved)


@log.command("outcome")
@click.argument("dose_id", required=False)
@click.option("--pain-at-dose", type=int, default=None)
@click.option("--pain-30m", type=int, default=None)
@click.option("--pain-1h", type=int, default=None)
@click.option("--pain-2h", type=int, default=None)
@click.option("--pain-24h", type=int, default=None)
@click.option(
    "--mbs-gone/--mbs-not-gone", "mbs_gone_2h", default=None, help="Most bothersome symptom gone at 2 h."
)
@click.option(
    "--relief-after", "relief_after_min", type=int, default=None, help="Minutes until relief began."
)
@click.option("--rescue/--no-rescue", "rescue_taken", default=None, help="Rescue medication taken.")
@click.option(
    "--returned/--not-returned", "returned_24h", default=None, help="Headache came back within 24 h."
)
@reports_errors
def log_outcome(dose_id: str | None, **fields: Any) -> None:
    """Record how an acute dose worked (default: the latest acute dose without a 2-hour answer).

    \b
    Example:
      relief log outcome --pain-2h 1 --mbs-gone --no-rescue
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import ValidationError

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.access import owned
    from relief.core.validation import is_uuid
    from relief.treatments.models import Dose
    from relief.treatments.services import early_answers, pending_outcomes
    from relief.treatments.services import log_outcome as service

    user = current_user()
    if dose_id:
        dose = owned(Dose, user).filter(pk=dose_id).first() if is_uuid(dose_id) else None
    else:
        pending = pending_outcomes(user, older_than_minutes=0, within=None)  # the latest, however old
        dose = pending[0] if pending else None
    if dose is None:
        raise ValidationError({"dose": "no such dose; give its id (see: relief list doses)"})
    given = {k: v for k, v in fields.items() if v is not None}
    saved = service(user, dose, **given)
    if note := early_answers(dose, given):
        click.echo(f"Note: {note}", err=True)
    _print_saved(saved)


@log.command("medication")
@click.argument("substance")
@click.option("--since", "started_on", default="today", show_default=True, help="Start date.")
@click.option("--until", "stopped_on", default=None, help="Stop date (omit while you still take it).")
@click.option("--dose", "dose_text", default="", help="As prescribed, e.g. '25 mg at night'.")
@click.option("--reason", default="")
@reports_errors
def log_medication(
    substance: str, started_on: str, stopped_on: str | None, dose_text: str, reason: str
) -> None:
    """Log a standing medication (taken regularly), checked against every new dose.

    \b
    Example:
      relief log medication amitriptyline --since 2026-01-10 --dose "10 mg at night" --reason prevention
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.timeutil import parse_day
    from relief.treatments.services import add_medication, require_substance

    user = current_user()
    tz = _tz(user)
    saved = add_medication(
        user,
        substance=require_substance(user, substance),
        started_on=parse_day(started_on, tz),
        stopped_on=parse_day(stopped_on, tz) if stopped_on else None,
        dose_text=dose_text,
        reason=reason,
    )
    _print_saved(saved)


@log.command("questionnaire")
@click.argument("instrument", type=click.Choice(["midas", "hit6", "sows"]))
@click.argument("answers", nargs=-1, type=int, required=True)
@click.option("--at", "when", default="now", show_default=True)
@reports_errors
def log_questionnaire(instrument: str, answers: tuple[int, ...], when: str) -> None:
    """Log questionnaire answers in item order (the score is computed).

    \b
    MIDAS: 7 numbers (days for Q1-Q5 and A, then B average pain 0-10)
    HIT-6: 6 numbers, each 0 never ... 4 always
    SOWS:  16 numbers, each 0 not at all ... 4 extremely
    Example:
      relief log questionnaire hit6 2 3 1 2 2 1
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.diary.services import log_questionnaire as service

    user = current_user()
    saved = service(user, instrument=instrument, answers=list(answers), answered_at=_when(user, when))
    _print_saved(saved)


@log.command("product")
@click.argument("name")
@click.option("--vendor", default="")
@click.option("--substance", default="kratom", show_default=True)
@click.option(
    "--form",
    type=click.Choice(["leaf_powder", "capsule", "tea", "extract", "shot", "tablet", "other"]),
    default="leaf_powder",
    show_default=True,
)
@click.option("--strain", default="")
@reports_errors
def log_product(name: str, vendor: str, substance: str, form: str, strain: str) -> None:
    """Add a product.

    \b
    Example:
      relief log product "Red Bali" --vendor "Leafy Co" --form leaf_powder --strain "Red vein"
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.products.services import add_product
    from relief.treatments.services import require_substance

    user = current_user()
    _print_saved(
        add_product(
            user,
            substance=require_substance(user, substance),
            name=name,
            vendor=vendor,
            form=form,
            strain=strain,
        )
    )


@log.command("batch")
@click.argument("product")
@click.argument("lot")
@click.option("--bought", "purchase_date", default=None, help="Purchase date.")
@click.option("--amount", "amount_bought_g", type=float, default=None, help="Grams bought.")
@reports_errors
def log_batch(product: str, lot: str, purchase_date: str | None, amount_bought_g: float | None) -> None:
    """Add a batch (lot) of a product.

    \b
    Example:
      relief log batch "Red Bali" RB-2611 --bought 2026-11-02 --amount 250
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.timeutil import parse_day
    from relief.products.services import add_batch
    from relief.treatments.services import resolve_dose_refs

    user = current_user()
    found = resolve_dose_refs(user, product=product).product
    if found is None:
        raise click.BadParameter("give the product's name or id", param_hint="PRODUCT")
    _print_saved(
        add_batch(
            user,
            found,
            lot_number=lot,
            amount_bought_g=amount_bought_g,
            purchase_date=parse_day(purchase_date, _tz(user)) if purchase_date else None,
        )
    )


@log.command("lab-report")
@click.argument("product")
@click.argument("lot")
@click.option("--lab", default="")
@click.option("--report-id", default="")
@click.option("--tested", "test_date", default=None, help="Test date.")
@click.option(
    "--mitragynine", type=float, default=None, help="Mitragynine in mg/g (or use --mitragynine-pct)."
)
@click.option("--mitragynine-pct", type=float, default=None, help="Mitragynine in % w/w.")
@click.option("--seven-oh", "seven_oh_mg_per_g", type=float, default=None, help="7-OH in mg/g.")
@click.option(
    "--seven-oh-share", "seven_oh_pct_alkaloids", type=float, default=None, help="7-OH as % of alkaloids."
)
@click.option("--lead", "lead_ppm", type=float, default=None, help="ppm")
@click.option("--arsenic", "arsenic_ppm", type=float, default=None, help="ppm")
@click.option("--cadmium", "cadmium_ppm", type=float, default=None, help="ppm")
@click.option("--mercury", "mercury_ppm", type=float, default=None, help="ppm")
@click.option("--salmonella/--no-salmonella", "salmonella_detected", default=None, help="Detected or not.")
@click.option("--ecoli/--no-ecoli", "ecoli_detected", default=None, help="Detected or not.")
@click.option("--yeast-mould", "yeast_mould_cfu_g", type=float, default=None, help="cfu/g")
@reports_errors
def log_lab_report(
    product: str,
    lot: str,
    test_date: str | None,
    mitragynine: float | None,
    mitragynine_pct: float | None,
    **fields: Any,
) -> None:
    """Add a lab report (certificate of analysis) to a batch.

    \b
    Example:
      relief log lab-report "Red Bali" RB-2611 --lab "Acme Labs" --mitragynine-pct 1.4 --seven-oh-share 1.1 --lead 0.4
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.timeutil import parse_day
    from relief.products.models import percent_to_mg_per_g
    from relief.products.services import add_lab_report
    from relief.treatments.services import resolve_dose_refs

    user = current_user()
    batch = resolve_dose_refs(user, product=product, batch=lot).batch
    if batch is None:
        raise click.BadParameter("give the batch's lot number or id", param_hint="LOT")
    if mitragynine is None and mitragynine_pct is not None:
        mitragynine = percent_to_mg_per_g(mitragynine_pct)
    values = {k: v for k, v in fields.items() if v is not None}
    _print_saved(
        add_lab_report(
            user,
            batch,
            mitragynine_mg_per_g=mitragynine,
            test_date=parse_day(test_date, _tz(user)) if test_date else None,
            **values,
        )
    )


@log.command("unit")
@click.argument("name")
@click.argument("grams", type=float)
@click.option("--product", default=None, help="Only for this product.")
@reports_errors
def log_unit(name: str, grams: float, product: str | None) -> None:
    """Define your own unit: NAME GRAMS, e.g. one capsule is 0.5 g.

    \b
    Example:
      relief log unit capsule 0.5
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.exchange.jsonformat import serialize
    from relief.treatments.services import add_custom_unit, resolve_dose_refs

    user = current_user()
    found = resolve_dose_refs(user, product=product).product
    unit = add_custom_unit(user, name=name, grams=grams, product=found)
    echo_json({"entry": serialize(unit), "alerts": []})


COMMANDS = [log]
