"""In a real browser: a coordinator enrols and pairs; a mentor on a phone logs a session."""

import pytest

from accounts.roles import COORDINATOR, MENTOR
from factories import (
    CadreFactory,
    EnrolmentFactory,
    MentorProfileFactory,
    MentorshipFactory,
    ProgramFactory,
    UserFactory,
)
from partners.models import Province
from testkit import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kader-demo"


def jawa_barat() -> Province:
    # Transactional tests flush the tables, reference data from migrations included.
    return Province.objects.get_or_create(code="32", defaults={"name": "Jawa Barat"})[0]


def log_in_in_english(page, live_server, username: str) -> None:
    page.context.add_cookies([{"name": "kader_language", "value": "en", "url": live_server.url}])
    log_in(page, username, PASSWORD, site=live_server.url)


def test_it_lets_a_coordinator_enrol_a_cadre_and_pair_a_mentor(page, live_server, screenshot):
    UserFactory(username="sari", first_name="Sari", password=PASSWORD, role=COORDINATOR)
    jabar = jawa_barat()
    program = ProgramFactory(name="Sekolah Kepemimpinan Muda", capacity=10)
    CadreFactory(
        full_name="Ayu Lestari",
        province=jabar,
        development_focus="Belajar public speaking untuk rapat desa",
    )
    budi = UserFactory(username="budi", first_name="Budi", last_name="Santoso", role=MENTOR)
    MentorProfileFactory(user=budi, expertise="public speaking, keuangan", province=jabar)
    dewi = UserFactory(username="dewi", first_name="Dewi", last_name="Lestari", role=MENTOR)
    MentorProfileFactory(user=dewi, expertise="pertanian")

    log_in_in_english(page, live_server, "sari")
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="Sekolah Kepemimpinan Muda").click()
    page.get_by_test_id("enrol").click()
    # Typed, not picked from a list: a program may take any of 1.2 million cadres.
    page.locator(".ts-control", has=page.locator("#id_cadre-ts-control")).click()
    page.keyboard.type("Ayu")
    page.locator("#id_cadre-ts-dropdown .option", has_text="Ayu Lestari (Jawa Barat)").click()
    page.get_by_label("Status").select_option("active")
    screenshot(page, "enrol-desktop")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"**/programs/{program.pk}/")
    assert "Ayu Lestari is enrolled." in page.content()

    page.get_by_role("link", name="Pair a mentor").click()
    first = page.get_by_test_id("suggestions").locator("label").first
    # The mentor who shares region and expertise is suggested first.
    assert "Budi Santoso" in first.inner_text()
    assert "public speaking" in first.inner_text()
    screenshot(page, "pairing-desktop")
    first.click()
    page.get_by_test_id("save").click()
    page.wait_for_url(f"**/programs/{program.pk}/")
    assert "The mentor is paired with Ayu Lestari." in page.content()
    pairs = page.get_by_test_id("enrolments").inner_text()
    assert "Budi Santoso" in pairs
    screenshot(page, "program-desktop")


def test_it_lets_a_mentor_on_a_phone_log_a_session_and_see_it(browser, live_server, screenshot):
    mentor = UserFactory(username="budi", first_name="Budi", password=PASSWORD, role=MENTOR)
    pair = MentorshipFactory(
        mentor=MentorProfileFactory(user=mentor),
        enrolment=EnrolmentFactory(
            cadre__full_name="Ayu Lestari", program__name="Bimbingan Pemimpin Komunitas"
        ),
    )
    MentorshipFactory(mentor=pair.mentor, enrolment__cadre__full_name="Bagus Wijaya")
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)

    log_in_in_english(page, live_server, "budi")
    page.wait_for_url("**/programs/mentor/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.get_by_test_id("mentees").locator("li").count() == 2
    screenshot(page, "mentor-home-360")

    page.get_by_test_id("log-session").click()
    page.get_by_label("Mentee").select_option(label="Ayu Lestari")
    page.get_by_label("Phone").check()
    page.get_by_label("Topics").fill("Latihan pidato musyawarah desa")
    page.get_by_label("Next steps").fill("Memimpin rapat RT minggu depan")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "session-form-360")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"**/programs/mentorships/{pair.pk}/")

    history = page.get_by_test_id("sessions").inner_text()
    assert "Latihan pidato musyawarah desa" in history
    assert "60 min" in history and "Phone" in history
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "mentee-history-360")
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_it_fits_the_coordinators_pages_on_a_phone_and_a_desktop(
    browser, live_server, screenshot, width
):
    UserFactory(username="sari", first_name="Sari", password=PASSWORD, role=COORDINATOR)
    jabar = jawa_barat()
    pair = MentorshipFactory(
        enrolment=EnrolmentFactory(
            cadre__full_name="Ayu Lestari",
            cadre__province=jabar,
            cadre__occupation="Perangkat desa dengan nama jabatan yang cukup panjang",
            program__name="Sekolah Kepemimpinan Muda",
        )
    )
    CadreFactory.create_batch(5, province=jabar)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    log_in_in_english(page, live_server, "sari")
    cadre = pair.enrolment.cadre
    pages = {
        "programs": "/programs/",
        "program": pair.enrolment.program.get_absolute_url(),
        "cadres": "/programs/cadres/",
        "cadre": cadre.get_absolute_url(),
        "cadre-form": "/programs/cadres/new/",
        "mentors": "/programs/mentors/",
    }
    for label, path in pages.items():
        page.goto(live_server.url + path)
        screenshot(page, f"{label}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, label
    context.close()


def test_it_previews_an_import_with_a_bad_row_and_saves_nothing(
    page, live_server, screenshot, tmp_path
):
    from programs.models import Cadre

    UserFactory(username="sari", first_name="Sari", password=PASSWORD, role=COORDINATOR)
    sheet = tmp_path / "kader.csv"
    sheet.write_text(
        "Nama,Email,Provinsi,Kota\n"
        "Ayu Lestari,ayu@example.org,Jawa Barat,Kota Bandung\n"
        "Bagus Wijaya,bukan-email,Atlantis,\n",
        encoding="utf-8",
    )
    log_in_in_english(page, live_server, "sari")
    page.goto(live_server.url + "/programs/cadres/import/")
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(sheet))
    page.get_by_test_id("upload").click()
    page.get_by_test_id("check").click()
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "1 row has errors" in errors
    assert "Unknown province “Atlantis”" in page.locator("[data-row='3']").inner_text()
    assert page.get_by_test_id("confirm").count() == 0
    screenshot(page, "import-preview-desktop")
    assert not Cadre.objects.exists()
