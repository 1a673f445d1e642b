"""Demo partners and agreements: a believable Indonesian register, the same every run.

Adds `data["partners"]` (name → Partner) and `data["agreements"]` (title → Agreement).
Dates are relative to today so that "expiring soon" and "active" stay true over time.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from .models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    CommunicationLog,
    Contact,
    Partner,
    Region,
    SuccessIndicator,
)

# name, sector, status, regency/city, brings, goals, values, contact (name, role, phone)
PARTNERS = [
    (
        "PT Telekomunikasi Nusantara",
        "company",
        "active",
        "Kota Bandung",
        ["expertise", "funding", "mentors"],
        "Menyiapkan talenta digital muda dari daerah.",
        "Inovasi, integritas, kolaborasi.",
        ("Rina Kusumawati", "Manajer CSR", "0812-2100-3344"),
    ),
    (
        "PT Semen Gresik Lestari",
        "company",
        "active",
        "Kabupaten Gresik",
        ["venues", "funding"],
        "Kader muda yang siap memimpin di kawasan industri.",
        "Keselamatan dan keberlanjutan.",
        ("Agus Prasetyo", "Kepala Divisi SDM", "0813-3012-4455"),
    ),
    (
        "Bank Daerah Sulawesi Selatan",
        "company",
        "prospect",
        "Kota Makassar",
        ["funding", "network"],
        "Literasi keuangan untuk pemimpin komunitas.",
        "Amanah dan profesional.",
        ("Andi Nurhayati", "Kepala Bagian TJSL", "+62 811-4100-221"),
    ),
    (
        "Yayasan Cahaya Pemuda",
        "ngo",
        "active",
        "Kota Yogyakarta",
        ["mentors", "network"],
        "Pemuda desa yang percaya diri memimpin.",
        "Kesetaraan dan gotong royong.",
        ("Dimas Saputra", "Direktur Program", "0857-2900-1188"),
    ),
    (
        "Perkumpulan Perempuan Pemimpin Nusa Tenggara",
        "ngo",
        "active",
        "Kota Kupang",
        ["mentors", "expertise"],
        "Lebih banyak perempuan di kursi pengambil keputusan.",
        "Keberagaman dan keberanian.",
        ("Maria Goreti Lado", "Koordinator", "0821-4433-7788"),
    ),
    (
        "Universitas Andalas",
        "university",
        "active",
        "Kota Padang",
        ["expertise", "venues", "mentors"],
        "Mahasiswa yang terjun langsung ke masyarakat.",
        "Ilmu untuk pengabdian.",
        ("Dr. Fauzan Hakim", "Ketua LPPM", "0812-6677-1234"),
    ),
    (
        "Politeknik Negeri Banjarmasin",
        "university",
        "active",
        "Kota Banjarmasin",
        ["venues", "expertise"],
        "Lulusan vokasi yang siap menjadi supervisor.",
        "Terampil dan berkarakter.",
        ("Siti Rahmah", "Wakil Direktur Kemahasiswaan", "0811-5100-2299"),
    ),
    (
        "Pemerintah Kota Surabaya — Dinas Pemuda dan Olahraga",
        "government",
        "active",
        "Kota Surabaya",
        ["venues", "network", "funding"],
        "Kader kampung yang menggerakkan warganya.",
        "Melayani warga.",
        ("Bambang Sutejo", "Kepala Bidang Kepemudaan", "031-5312144"),
    ),
    (
        "Pemerintah Kabupaten Banyuwangi — Bappeda",
        "government",
        "inactive",
        "Kabupaten Banyuwangi",
        ["network"],
        "Perencana desa yang lahir dari desa sendiri.",
        "Transparansi.",
        ("Ika Wulandari", "Kepala Subbidang", "0333-421001"),
    ),
    (
        "Karang Taruna Desa Sukamaju",
        "community",
        "active",
        "Kabupaten Bandung",
        ["venues", "network"],
        "Pemuda desa yang aktif di musyawarah desa.",
        "Kebersamaan.",
        ("Ujang Sopandi", "Ketua", "0838-1234-9090"),
    ),
    (
        "Komunitas Nelayan Muda Bahari",
        "community",
        "prospect",
        "Kota Bitung",
        ["network"],
        "Pemimpin muda pesisir yang paham koperasi.",
        "Laut lestari, warga sejahtera.",
        ("Frengki Mamahit", "Ketua Kelompok", "0852-4000-7711"),
    ),
    (
        "Ibu Ratna Dewi (mentor independen)",
        "individual",
        "active",
        "Kota Medan",
        ["mentors", "expertise"],
        "Berbagi pengalaman memimpin organisasi.",
        "Kejujuran.",
        ("Ratna Dewi", "Konsultan", "0813-6200-5566"),
    ),
]

# title, formality, basis, status, partners (with roles), start offset, length (days),
# cadence, indicators (name, unit, baseline, target, direction)
AGREEMENTS = [
    (
        "Program Magang Talenta Digital",
        "formal",
        "industry",
        "active",
        [("PT Telekomunikasi Nusantara", "Tuan rumah magang dan pendana")],
        -300,
        350,
        "quarterly",
        [
            ("Kader menyelesaikan magang", "orang", 0, 40, "higher"),
            ("Kader diterima bekerja", "%", 10, 40, "higher"),
        ],
    ),
    (
        "Sekolah Pemimpin Kawasan Industri",
        "formal",
        "industry",
        "active",
        [
            ("PT Semen Gresik Lestari", "Penyedia tempat"),
            ("Politeknik Negeri Banjarmasin", "Penyusun kurikulum"),
        ],
        -200,
        560,
        "half_yearly",
        [
            ("Jam pelatihan kepemimpinan", "jam", 0, 120, "higher"),
            ("Angka putus program", "%", 25, 10, "lower"),
        ],
    ),
    (
        "Bimbingan Pemimpin Perempuan NTT",
        "informal",
        "community",
        "active",
        [("Perkumpulan Perempuan Pemimpin Nusa Tenggara", "Penyedia mentor")],
        -150,
        400,
        "monthly",
        [("Pasangan mentor-kader aktif", "pasangan", 0, 25, "higher")],
    ),
    (
        "Kader Kampung Surabaya",
        "informal",
        "community",
        "active",
        [
            ("Pemerintah Kota Surabaya — Dinas Pemuda dan Olahraga", "Penggerak dan tempat"),
            ("Karang Taruna Desa Sukamaju", "Berbagi praktik baik"),
        ],
        -90,
        720,
        "quarterly",
        [("Kampung dengan kader aktif", "kampung", 5, 30, "higher")],
    ),
    (
        "Pengabdian Mahasiswa di Nagari",
        "formal",
        "community",
        "active",
        [("Universitas Andalas", "Pengirim mahasiswa dan dosen pembimbing")],
        -340,
        380,
        "yearly",
        [
            ("Mahasiswa terlibat", "orang", 0, 60, "higher"),
            ("Program desa yang berlanjut", "program", 0, 8, "higher"),
        ],
    ),
    (
        "Literasi Keuangan Pemimpin Komunitas",
        "formal",
        "industry",
        "draft",
        [("Bank Daerah Sulawesi Selatan", "Pendana dan pelatih")],
        30,
        365,
        "quarterly",
        [("Kader lulus pelatihan", "orang", 0, 50, "higher")],
    ),
    (
        "Mentoring Kepemimpinan Pemuda Desa",
        "informal",
        "industry",
        "ended",
        [("Ibu Ratna Dewi (mentor independen)", "Mentor")],
        -500,
        365,
        "quarterly",
        [("Sesi mentoring", "sesi", 0, 24, "higher")],
    ),
    (
        "Perencana Desa Banyuwangi",
        "formal",
        "community",
        "terminated",
        [("Pemerintah Kabupaten Banyuwangi — Bappeda", "Penyedia data dan narasumber")],
        -400,
        730,
        "half_yearly",
        [("Dokumen RPJMDes dengan partisipasi kader", "desa", 0, 15, "higher")],
    ),
    (
        "Kader Muda Cahaya Desa",
        "informal",
        "community",
        "draft",
        [("Yayasan Cahaya Pemuda", "Penyelenggara pelatihan")],
        14,
        300,
        "monthly",
        [("Peserta pelatihan dasar", "orang", 0, 35, "higher")],
    ),
]

SIGNED_PDF = b"%PDF-1.4\n% Kader demo: perjanjian kerja sama (contoh)\n%%EOF\n"


def seed(data: dict) -> None:
    rng = random.Random(20260301)  # noqa: S311 (not security: a repeatable demo)
    coordinator = data["users"]["coordinator"]
    partners = {row[0]: _partner(*row) for row in PARTNERS}
    today = timezone.localdate()
    agreements = {row[0]: _agreement(row, partners, coordinator, today) for row in AGREEMENTS}
    _communications(partners, agreements, coordinator, today, rng)
    data["partners"] = partners
    data["agreements"] = agreements


def _partner(name, sector, status, city, brings, goals, values, contact) -> Partner:
    region = Region.objects.select_related("province").get(name=city)
    partner, created = Partner.objects.get_or_create(
        name=name,
        defaults={
            "sector": sector,
            "status": status,
            "region": region,
            "province": region.province,
            "goals": goals,
            "values": values,
            **{f"brings_{b}": True for b in brings},
        },
    )
    if created:
        contact_name, role, phone = contact
        slug = contact_name.split()[0].lower().strip(".")
        Contact.objects.create(
            partner=partner,
            name=contact_name,
            role=role,
            phone=phone,
            email=f"{slug}@mitra.example",
            is_primary=True,
        )
    return partner


def _agreement(row, partners, coordinator, today: datetime.date) -> Agreement:
    title, formality, basis, status, parties, offset, length, cadence, indicators = row
    start = today + datetime.timedelta(days=offset)
    agreement, created = Agreement.objects.get_or_create(
        title=title,
        defaults={
            "formality": formality,
            "basis": basis,
            "start_date": start,
            "end_date": start + datetime.timedelta(days=length),
            "evaluation_cadence": cadence,
            "coordinator": coordinator,
            "objectives_short_term": f"Tahun pertama: {indicators[0][0].lower()}.",
            "objectives_long_term": "Regenerasi kepemimpinan yang berkelanjutan di mitra.",
            "lead_responsibilities": "Seleksi kader, koordinasi, evaluasi berkala.",
        },
    )
    if not created:
        return agreement
    for partner_name, role in parties:
        AgreementParty.objects.create(
            agreement=agreement, partner=partners[partner_name], role=role
        )
    SuccessIndicator.objects.bulk_create(
        SuccessIndicator(agreement=agreement, name=n, unit=u, baseline=b, target=t, direction=d)
        for n, u, b, t, d in indicators
    )
    if formality == "formal" and status != "draft":
        document = AgreementDocument(
            agreement=agreement,
            kind=AgreementDocument.Kind.SIGNED,
            original_name=f"{title} - ditandatangani.pdf",
            content_type="application/pdf",
            size=len(SIGNED_PDF),
            uploaded_by=coordinator,
        )
        document.file.save("signed.pdf", ContentFile(SIGNED_PDF), save=True)
    _bring_to_status(agreement, status, start, today)
    return agreement


def _bring_to_status(agreement: Agreement, status: str, start, today) -> None:
    if status == "draft":
        return
    agreement.activate(today=max(start, today - datetime.timedelta(days=400)))
    if status == "ended":
        agreement.end(today=agreement.end_date)
    elif status == "terminated":
        agreement.terminate("Pergantian kepala daerah: program dihentikan sementara.", today=today)


def _communications(partners, agreements, coordinator, today, rng: random.Random) -> None:
    if CommunicationLog.objects.exists():
        return
    entries = [
        (
            "PT Telekomunikasi Nusantara",
            "Program Magang Talenta Digital",
            "meeting",
            "Rapat awal angkatan: pembagian mentor per divisi.",
            "Kirim daftar kader terpilih.",
            "",
            "",
        ),
        (
            "PT Telekomunikasi Nusantara",
            "Program Magang Talenta Digital",
            "email",
            "Mitra meminta laporan kehadiran bulanan.",
            "",
            "Laporan terlambat dua bulan.",
            "Laporan kini dibuat otomatis dari Kader setiap akhir bulan.",
        ),
        (
            "Perkumpulan Perempuan Pemimpin Nusa Tenggara",
            "Bimbingan Pemimpin Perempuan NTT",
            "visit",
            "Kunjungan ke Kupang: bertemu 12 kader dan 6 mentor.",
            "Jadwalkan pelatihan mentor tahap dua.",
            "Mentor sulit hadir karena jarak.",
            "",
        ),
        (
            "Universitas Andalas",
            "Pengabdian Mahasiswa di Nagari",
            "call",
            "Membahas perpanjangan kerja sama untuk tahun depan.",
            "Siapkan draf perpanjangan.",
            "",
            "",
        ),
        (
            "Karang Taruna Desa Sukamaju",
            None,
            "message",
            "Karang taruna menawarkan balai desa untuk pelatihan.",
            "",
            "",
            "",
        ),
        (
            "Bank Daerah Sulawesi Selatan",
            "Literasi Keuangan Pemimpin Komunitas",
            "meeting",
            "Negosiasi anggaran pelatihan literasi keuangan.",
            "Tunggu persetujuan direksi.",
            "",
            "",
        ),
    ]
    for i, (partner, agreement, channel, summary, follow_up, challenge, resolution) in enumerate(
        entries
    ):
        CommunicationLog.objects.create(
            partner=partners[partner],
            agreement=agreements.get(agreement) if agreement else None,
            date=today - datetime.timedelta(days=rng.randint(3, 20) + 15 * i),
            channel=channel,
            participants="Sari Wulandari (koordinator), " + partners[partner].contacts.first().name,
            summary=summary,
            follow_up=follow_up,
            follow_up_due=today + datetime.timedelta(days=rng.randint(5, 30))
            if follow_up
            else None,
            challenge_raised=bool(challenge),
            challenge=challenge,
            resolution=resolution,
            logged_by=coordinator,
        )
