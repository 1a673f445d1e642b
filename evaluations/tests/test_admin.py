"""The evaluation admin's search: by the subject's name or the evaluator, without joins."""

import pytest
from django.urls import reverse

from factories import AgreementFactory, EvaluationFactory, MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("kemitraan air", {"agreement"}),
        ("sekolah lapang", {"program"}),
        ("ani lestari", {"mentorship"}),
        ("evaluator_x", {"program"}),
        ("nothing like it", set()),
    ],
)
def test_the_admin_finds_evaluations_by_subject_or_evaluator(client, admin, term, found):
    # The admin searches the evaluation list for a word of one subject's name.
    evaluations = {
        "agreement": EvaluationFactory(agreement=AgreementFactory(title="Kemitraan Air Bersih")),
        "program": EvaluationFactory(
            agreement=None,
            program=ProgramFactory(name="Sekolah Lapang Tani"),
            evaluator__username="evaluator_x",
        ),
        "mentorship": EvaluationFactory(
            agreement=None, mentorship=MentorshipFactory(enrolment__cadre__full_name="Ani Lestari")
        ),
    }
    client.force_login(admin)
    response = client.get(reverse("admin:evaluations_evaluation_changelist"), {"q": term})
    shown = {evaluation.pk for evaluation in response.context["cl"].result_list}
    assert shown == {evaluations[name].pk for name in found}
