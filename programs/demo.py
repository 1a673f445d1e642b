"""Demo programs, cadres, mentors, pairs, goals and a few months of sessions.

Reads `data["users"]` (devtools/demo.py) and `data["partners"]`, `data["agreements"]`
(partners/demo.py); adds `data["programs"]`, `data["cadres"]`, `data["mentorships"]`.
Idempotent (get-or-create on natural keys) and deterministic (a fixed random seed);
sessions are dated back from today so the mentor's home looks alive on any day, and
are only added to a pair that has none, so a later run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from partners.models import Agreement, Partner, Province, Region
from programs.models import (
    Cadre,
    DevelopmentGoal,
    Enrolment,
    MentorProfile,
    Mentorship,
    Program,
    Session,
)

FIRST = [
    "Ayu",
    "Bagus",
    "Citra",
    "Dimas",
    "Eka",
    "Fajar",
    "Gita",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lukman",
    "Maya",
    "Nanda",
    "Oki",
    "Putri",
    "Rizky",
    "Sinta",
    "Teguh",
    "Utami",
    "Wahyu",
    "Yuni",
    "Zainal",
    "Rina",
]
LAST = [
    "Saputra",
    "Wijaya",
    "Siregar",
    "Nasution",
    "Rahmawati",
    "Hidayat",
    "Pratama",
    "Simanjuntak",
    "Kusuma",
    "Lestari",
    "Harahap",
    "Manurung",
    "Setiawan",
    "Nugroho",
]
PROVINCES = [
    "Jawa Barat",
    "Daerah Khusus Ibukota Jakarta",
    "Jawa Tengah",
    "Jawa Timur",
    "Sumatera Utara",
    "Sulawesi Selatan",
    "Nusa Tenggara Timur",
    "Kalimantan Timur",
    "Papua",
    "Aceh",
    "Daerah Istimewa Yogyakarta",
    "Bali",
]
OCCUPATIONS = [
    "Guru honorer",
    "Mahasiswa",
    "Perangkat desa",
    "Pengurus karang taruna",
    "Staf LSM",
    "Wirausaha UMKM",
    "Perawat puskesmas",
    "Penyuluh pertanian",
]
FOCUS = [
    "public speaking dan memimpin rapat",
    "kewirausahaan sosial",
    "manajemen keuangan",
    "pengorganisasian komunitas",
    "advokasi kebijakan",
    "teknologi digital",
    "manajemen proyek",
]
PROGRAMS = [
    # name, kind, status, start (days from today), length (days), capacity, online, place
    (
        "Sekolah Kepemimpinan Muda 2025",
        "training",
        "running",
        -120,
        240,
        25,
        False,
        "Gedung Sate, Bandung",
    ),
    ("Bimbingan Pemimpin Komunitas", "mentoring", "running", -150, 365, 20, True, ""),
    (
        "Magang Desa Digital",
        "practical",
        "open",
        20,
        120,
        12,
        False,
        "Kantor Desa Kemiren, Banyuwangi",
    ),
    (
        "Pelatihan Fasilitator Kader 2024",
        "training",
        "completed",
        -400,
        90,
        15,
        False,
        "Balai Pelatihan, Makassar",
    ),
]
GOALS = [
    "Memimpin rapat warga dengan percaya diri",
    "Menyusun proposal program desa",
    "Membangun jejaring dengan tiga mitra baru",
    "Mengelola anggaran kegiatan",
]
TOPICS = [
    "Persiapan presentasi",
    "Rencana kerja bulanan",
    "Umpan balik rapat warga",
    "Menyusun anggaran",
    "Membangun jejaring",
    "Refleksi kepemimpinan",
]


def _values(thing) -> list:
    if isinstance(thing, dict):
        return list(thing.values())
    return list(thing or [])


def seed(data: dict) -> None:
    rng = random.Random(2025)  # noqa: S311 (demo data, not security: same demo every run)
    today = timezone.localdate()
    partners = _values(data.get("partners")) or list(Partner.objects.all()[:6])
    agreements = _values(data.get("agreements")) or list(Agreement.objects.all()[:4])
    programs = [
        _program(row, today, partners, agreements, data, i) for i, row in enumerate(PROGRAMS)
    ]
    cadres = _cadres(rng, partners)
    _enrol(rng, programs, cadres)
    mentors = _mentors(data, partners)
    data["programs"], data["cadres"] = programs, cadres
    data["mentorships"] = _pairs(programs, mentors, data, today)


def _program(row, today, partners, agreements, data, i) -> Program:
    name, kind, status, start, length, capacity, online, place = row
    program, created = Program.objects.get_or_create(
        name=name,
        defaults={
            "kind": kind,
            "status": status,
            "start_date": today + dt.timedelta(days=start),
            "end_date": today + dt.timedelta(days=start + length),
            "capacity": capacity,
            "is_online": online,
            "place": place,
            "coordinator": data["users"].get("coordinator"),
            "objectives": "Mengembangkan kepemimpinan, jejaring dan keberlanjutan kader.",
        },
    )
    if created:
        program.partners.set(partners[i % max(len(partners), 1) :][:2])
        program.agreements.set(agreements[i % max(len(agreements), 1) :][:1])
    return program


def _cadres(rng: random.Random, partners: list) -> list[Cadre]:
    provinces = {p.name: p for p in Province.objects.filter(name__in=PROVINCES)}
    stages = ["candidate"] * 6 + ["participant"] * 24 + ["alumni"] * 7 + ["leader"] * 3
    cadres = []
    for n, stage in enumerate(stages):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 5) % len(LAST)]
        province = provinces.get(PROVINCES[n % len(PROVINCES)])
        city = (
            Region.objects.filter(province=province).order_by("code").first() if province else None
        )
        cadre, _created = Cadre.objects.get_or_create(
            email=f"{first}.{last}{n}@kader.example".lower(),
            defaults={
                "full_name": f"{first} {last}",
                "stage": stage,
                "province": province,
                "city": city,
                "occupation": rng.choice(OCCUPATIONS),
                "education": rng.choice(["secondary", "diploma", "bachelor", "master"]),
                "development_focus": rng.choice(FOCUS),
                "home_partner": partners[n % len(partners)] if partners and n % 3 == 0 else None,
                "home_organisation": "" if n % 3 == 0 else "Karang Taruna setempat",
            },
        )
        cadres.append(cadre)
    return cadres


def _enrol(rng: random.Random, programs: list[Program], cadres: list[Cadre]) -> None:
    training, mentoring, practical, past = programs
    plan = [
        (training, cadres[6:24]),
        (mentoring, cadres[10:30]),
        (practical, cadres[28:34]),
        (past, cadres[30:40]),
    ]
    for program, group in plan:
        for cadre in group[: program.capacity]:
            status = _status_for(program, cadre)
            Enrolment.objects.get_or_create(
                program=program,
                cadre=cadre,
                defaults={
                    "status": status,
                    "enrolled_on": program.start_date,
                    "outcome": "certified" if status == "completed" else "",
                },
            )


def _status_for(program: Program, cadre: Cadre) -> str:
    if program.status == Program.Status.COMPLETED:
        return "completed"
    if program.status == Program.Status.OPEN:
        return "applied"
    return "withdrawn" if cadre.pk % 11 == 0 else "active"


def _mentors(data: dict, partners: list) -> list[MentorProfile]:
    users = data["users"]
    specs = [
        ("mentor", "public speaking, kewirausahaan, manajemen keuangan", "Jawa Barat", 5),
        (
            "mentor2",
            "pengorganisasian komunitas, advokasi kebijakan, teknologi digital",
            "Daerah Khusus Ibukota Jakarta",
            4,
        ),
    ]
    mentors = []
    for i, (username, expertise, province, capacity) in enumerate(specs):
        profile, _created = MentorProfile.objects.get_or_create(
            user=users[username],
            defaults={
                "expertise": expertise,
                "mentee_capacity": capacity,
                "province": Province.objects.filter(name=province).first(),
                "partner": partners[i] if len(partners) > i else None,
                "bio": "Mentor kader sejak 2019.",
            },
        )
        mentors.append(profile)
    return mentors


def _pairs(programs, mentors, data, today) -> list[Mentorship]:
    enrolments = list(
        Enrolment.objects.filter(program__in=programs[:2], status="active")
        .select_related("cadre")
        .order_by("program_id", "cadre__full_name")
    )
    pairs = []
    for i, enrolment in enumerate(enrolments[:8]):
        mentor = mentors[i % len(mentors)]
        pair, _created = Mentorship.objects.get_or_create(
            mentor=mentor,
            enrolment=enrolment,
            status=Mentorship.Status.ACTIVE,
            defaults={
                "started_on": today - dt.timedelta(days=110),
                "created_by": data["users"].get("coordinator"),
            },
        )
        # Each pair has its own generator: what one pair skips on a second run (its
        # sessions already exist) must not change what the next pair gets.
        pair_rng = random.Random(1000 + i)  # noqa: S311 (demo data, not security)
        _goals(pair_rng, pair, today)
        # The last pair of each mentor has gone quiet: the home page warns about it.
        _sessions(pair_rng, pair, today, stale=i >= 6)
        pairs.append(pair)
    return pairs


def _goals(rng: random.Random, pair: Mentorship, today: dt.date) -> None:
    for n, title in enumerate(rng.sample(GOALS, 2)):
        DevelopmentGoal.objects.get_or_create(
            mentorship=pair,
            title=title,
            defaults={
                "target_date": today + dt.timedelta(days=20 + 40 * n),
                "progress": rng.choice([10, 30, 50, 70]),
            },
        )


def _sessions(rng: random.Random, pair: Mentorship, today: dt.date, *, stale: bool) -> None:
    if pair.sessions.exists():
        return
    day = pair.started_on + dt.timedelta(days=7)
    last = today - dt.timedelta(days=45 if stale else 2)
    while day <= last:
        Session.objects.create(
            mentorship=pair,
            date=day,
            duration_minutes=rng.choice([45, 60, 60, 90]),
            mode=rng.choice(["in_person", "online", "phone"]),
            attendance="attended" if rng.random() > 0.1 else "no_show",
            topics=rng.choice(TOPICS),
            notes="Kader aktif dan terbuka terhadap masukan.",
            next_steps="Latihan memimpin rapat kecil minggu depan.",
            logged_by=pair.mentor.user,
            created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(19, 0))),
        )
        day += dt.timedelta(days=rng.choice([12, 14, 18]))
