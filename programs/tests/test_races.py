"""Two coordinators take the last place at the same moment: only one gets it."""

import threading

import pytest
from django.db import close_old_connections, connection

from factories import CadreFactory, EnrolmentFactory, MentorProfileFactory, ProgramFactory
from programs import services

pytestmark = pytest.mark.django_db(transaction=True)


def race(work, count: int = 2) -> list[object]:
    """Run `work(i)` in threads that start together; collect results or exceptions."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i: int) -> None:
        close_old_connections()
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # the loser's refusal is the result we check
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_it_gives_the_last_place_to_only_one_of_two_coordinators(postgres):
    program = ProgramFactory(capacity=1)
    cadres = [CadreFactory(), CadreFactory()]
    results = race(lambda i: services.enrolment_create(program=program, cadre=cadres[i]))
    refused = [r for r in results if isinstance(r, services.ProgramFull)]
    assert len(refused) == 1, results
    assert program.enrolments.count() == 1


def test_it_gives_a_mentors_last_place_to_only_one_pairing(postgres, coordinator):
    mentor = MentorProfileFactory(mentee_capacity=1)
    enrolments = [EnrolmentFactory(), EnrolmentFactory()]
    results = race(
        lambda i: services.mentorship_create(
            mentor=mentor, enrolment=enrolments[i], override=False, by=coordinator
        )
    )
    refused = [r for r in results if isinstance(r, services.MentorOverCapacity)]
    assert len(refused) == 1, results
    assert mentor.mentorships.count() == 1
