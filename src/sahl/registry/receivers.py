"""Which kept profiles a change to a register row touches (registry.kept): the person's own, and
those it appears in (a parent's children, a sponsor's domestic workers, a spouse, a company's people)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sahl.registry import kept
from sahl.registry import models as m


def _civil_ids(person_ids: list[int | None]) -> list[str]:
    wanted = [pk for pk in person_ids if pk]
    return list(m.Person.objects.filter(pk__in=wanted).values_list("civil_id", flat=True)) if wanted else []


@receiver([post_save, post_delete], sender=m.Person)
def _person(instance: m.Person, **kwargs: Any) -> None:
    if not kept.keeping():
        return
    spouses = m.Marriage.objects.filter(Q(husband_id=instance.pk) | Q(wife_id=instance.pk))
    others = [instance.father_id, instance.mother_id, instance.sponsor_id]
    for husband, wife in spouses.values_list("husband_id", "wife_id"):
        others += [husband, wife]
    kept.forget_profiles([instance.civil_id, *_civil_ids(others)])


@receiver([post_save, post_delete], sender=m.Marriage)
def _marriage(instance: m.Marriage, **kwargs: Any) -> None:
    if kept.keeping():
        kept.forget_profiles(_civil_ids([instance.husband_id, instance.wife_id]))


@receiver([post_save, post_delete], sender=m.Vehicle)
def _vehicle(instance: m.Vehicle, **kwargs: Any) -> None:
    if kept.keeping():  # a sale also forgets the seller (registry.adapters, where the owner changes)
        kept.forget_profiles(_civil_ids([instance.owner_id]))


@receiver([post_save, post_delete], sender=m.TrafficFine)
def _fine(instance: m.TrafficFine, **kwargs: Any) -> None:
    if kept.keeping():
        owner = m.Vehicle.objects.filter(pk=instance.vehicle_id).values_list("owner_id", flat=True)
        kept.forget_profiles(_civil_ids(list(owner)))


@receiver([post_save, post_delete], sender=m.DrivingLicence)
@receiver([post_save, post_delete], sender=m.Passport)
def _held(instance: m.DrivingLicence | m.Passport, **kwargs: Any) -> None:
    if kept.keeping():
        kept.forget_profiles(_civil_ids([instance.holder_id]))


@receiver([post_save, post_delete], sender=m.CompanyRole)
def _role(instance: m.CompanyRole, **kwargs: Any) -> None:
    if kept.keeping():
        kept.forget_profiles(_civil_ids([instance.person_id]))


@receiver([post_save, post_delete], sender=m.Company)
def _company(instance: m.Company, **kwargs: Any) -> None:
    if kept.keeping():
        people = m.CompanyRole.objects.filter(company_id=instance.pk).values_list("person_id", flat=True)
        kept.forget_profiles([instance.number, *_civil_ids(list(people))])  # its own, acting as itself


@receiver([post_save, post_delete], sender=m.WorkPermit)
def _work_permit(instance: m.WorkPermit, **kwargs: Any) -> None:
    if kept.keeping():  # the company's profile lists its workers
        kept.forget_profiles(
            m.Company.objects.filter(pk=instance.company_id).values_list("number", flat=True)
        )
