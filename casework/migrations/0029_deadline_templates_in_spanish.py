"""The shipped deadline templates' names, descriptions and (where they hold prose) legal sources in
Spanish (docs/translation.md). Citations themselves stay as written."""

from django.db import migrations

SPANISH = {
    "case-plan-review": (
        "Revisión del plan del caso",
        "Revise el plan del caso con el equipo y con el menor: el avance de cada objetivo, las acciones "
        "aún abiertas y lo que debe cambiar. Si algo cambia, presente un plan revisado para su aprobación.",
    ),
    "court-finding-reasonable-efforts": (
        "Determinación judicial sobre esfuerzos razonables",
        "Obtenga la determinación del tribunal sobre los esfuerzos razonables para evitar la separación.",
    ),
    "court-hearing-child-welfare": (
        "Preparar la audiencia judicial",
        "Prepare el informe y las recomendaciones de la agencia para la audiencia programada, y asegúrese "
        "de que el menor, sus cuidadores y las partes hayan sido notificados.",
    ),
    "court-hearing-legal-advocate": (
        "Preparar al menor para la audiencia judicial",
        "Reúnase con el menor antes de la audiencia programada: explíquele lo que sucederá, escuche lo que "
        "quiere que el tribunal sepa y prepare la representación.",
    ),
    "enter-missing-child-ncic": (
        "Registrar al menor desaparecido en NCIC",
        "Registre al menor desaparecido en la base de datos NCIC.",
    ),
    "file-i918-after-certification": (
        "Presentar el I-918 tras la certificación de la visa U",
        "Presente el Formulario I-918 mientras el Suplemento B firmado esté vigente. Verifique la cita "
        "legal antes de basarse en ella.",
    ),
    "file-sij-petition": (
        "Presentar la petición SIJ (I-360) antes de que cumpla 21 años",
        "Presente el Formulario I-360 para el Estatus Especial de Inmigrante Juvenil antes de que el menor "
        "cumpla 21 años.",
    ),
    "hhs-interim-assistance-ends": (
        "Fin de la asistencia provisional de HHS",
        "La asistencia provisional termina 120 días después de la carta; obtenga antes la carta de "
        "elegibilidad u otro apoyo. Verifique la cita legal antes de basarse en ella.",
    ),
    "notify-hhs-otip-foreign-national-minor": (
        "Notificar a HHS (OTIP) sobre un menor extranjero, Solicitud de Asistencia Parte A",
        "Presente la Solicitud de Asistencia (Parte A) a la Oficina contra la Trata de Personas (OTIP) "
        "de HHS.",
    ),
    "notify-victim-defendant-escaped": (
        "Notificar a la víctima la fuga del acusado",
        "Informe de inmediato a la víctima (y al tutor legal o defensor del menor) que un acusado se fugó "
        "de la custodia; asegúrese de que el lugar de acogida del menor lo sepa y de que el plan de "
        "seguridad esté en vigor.",
    ),
    "notify-victim-defendant-released": (
        "Notificar a la víctima la liberación del acusado",
        "Informe a la víctima (y al tutor legal o defensor del menor) que un acusado fue liberado de la "
        "custodia y en qué condiciones; revise con ellos el plan de seguridad.",
    ),
    "notify-victim-public-proceeding": (
        "Notificar a la víctima el procedimiento judicial público",
        "Informe a la víctima (y al tutor legal o defensor del menor) del procedimiento público en el caso "
        "penal y de su derecho a asistir y a ser escuchada cuando la ley lo otorgue.",
    ),
    "obtain-sij-predicate-order": (
        "Obtener la orden estatal previa para SIJ",
        "Obtenga la orden previa para SIJ del tribunal de menores del estado antes del límite de edad del "
        "tribunal (18 por defecto a nivel federal; una norma estatal fija el límite del estado).",
    ),
    "periodic-case-review": (
        "Revisión periódica del caso",
        "Realice la revisión periódica del caso; la siguiente se programa al completar esta tarea.",
    ),
    "permanency-hearing": (
        "Audiencia de permanencia",
        "Celebre la audiencia de permanencia; la siguiente se programa al completar esta tarea.",
    ),
    "renew-continued-presence": (
        "Renovar la Continued Presence (Presencia Continuada)",
        "La Continued Presence dura 2 años; esta tarea vence 90 días antes de que termine para que la "
        "renovación se presente a tiempo.",
    ),
    "report-labor-trafficking-victim": (
        "Denunciar a las fuerzas del orden a una víctima de trata laboral",
        "Informe a las fuerzas del orden sobre el menor, identificado como víctima de trata laboral.",
    ),
    "report-missing-child": (
        "Denunciar la desaparición del menor a las fuerzas del orden y a NCMEC",
        "Denuncie la desaparición del menor a las fuerzas del orden y al Centro Nacional para Menores "
        "Desaparecidos y Explotados (NCMEC).",
    ),
    "report-sex-trafficking-victim": (
        "Denunciar a las fuerzas del orden a una víctima de trata sexual",
        "Informe a las fuerzas del orden sobre el menor, identificado como víctima de trata sexual.",
    ),
    "request-hhs-eligibility-letter": (
        "Solicitar la carta de elegibilidad de HHS antes de que cumpla 18 años",
        "Solicite la carta de elegibilidad de HHS mientras el menor sea menor de edad.",
    ),
    "screen-child-entering-care": (
        "Evaluar indicadores de trata en el menor que ingresa al cuidado",
        "Evalúe al menor con un instrumento de detección de trata (política de la agencia: 72 horas; "
        "cada estado fija la suya).",
    ),
    "screen-child-new-placement": (
        "Evaluar indicadores de trata en el menor en una nueva colocación",
        "Vuelva a evaluar al menor para detectar trata después del traslado (política de la agencia: "
        "72 horas; cada estado fija la suya).",
    ),
    "screen-returned-child": (
        "Evaluar indicadores de trata en el menor localizado",
        "Evalúe al menor localizado para detectar trata sexual (política de la agencia: 72 horas; cada "
        "estado fija la suya).",
    ),
}


UNVERIFIED_POLICY = "* Sin verificar: la ley dice «oportunamente» sin fijar horas; {hours} es política de la agencia."
SCREENING_SOURCE = (
    "* Sin verificar: 42 U.S.C. 671(a)(9)(C)(i) (identificar y documentar a los menores en riesgo); el plazo de "
    "72 horas es política de la agencia."
)
HEARING_SOURCE = "Práctica de la agencia: recordatorio de audiencia judicial (la notificación del tribunal fija la audiencia)"
SPANISH_SOURCES = {
    "case-plan-review": (
        "* Sin verificar: plan del caso, 42 U.S.C. 675(1) y 45 CFR 1356.21(g); la revisión a los 90 días es "
        "política de la agencia dentro de la revisión periódica de al menos cada 6 meses, 42 U.S.C. 675(5)(B)."
    ),
    "court-hearing-child-welfare": HEARING_SOURCE,
    "court-hearing-legal-advocate": HEARING_SOURCE,
    "notify-victim-defendant-escaped": "18 U.S.C. 3771(a)(2), (c)(1) (notificación de fuga); "
    + UNVERIFIED_POLICY.format(hours="2 horas"),
    "notify-victim-defendant-released": "18 U.S.C. 3771(a)(2), (c)(1) (notificación de liberación); "
    + UNVERIFIED_POLICY.format(hours="24 horas"),
    "notify-victim-public-proceeding": (
        "18 U.S.C. 3771(a)(2), (a)(3), (a)(4), (c)(1) (notificación de procedimientos públicos); * Sin verificar: "
        "tres días antes es política de la agencia."
    ),
    "obtain-sij-predicate-order": "Ley estatal (límite de edad del tribunal de menores; 18 por defecto)",
    "report-labor-trafficking-victim": (
        "* Sin verificar: política de la agencia que extiende a la trata laboral (22 U.S.C. 7102(11)(B)) la "
        "denuncia en 24 horas de 42 U.S.C. 671(a)(34)(A), que solo menciona la trata sexual; consulte la ley "
        "estatal."
    ),
    "screen-child-entering-care": SCREENING_SOURCE,
    "screen-child-new-placement": SCREENING_SOURCE,
}


def add_spanish(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    for template in DeadlineTemplate.objects.filter(key__in=SPANISH):
        name, description = SPANISH[template.key]
        texts = {"name": name, "description": description}
        if template.key in SPANISH_SOURCES:
            texts["legal_source"] = SPANISH_SOURCES[template.key]
        template.translations = {**template.translations, "es": texts}
        template.save(update_fields=["translations"])


def remove_spanish(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    for template in DeadlineTemplate.objects.filter(key__in=SPANISH):
        template.translations = {code: texts for code, texts in template.translations.items() if code != "es"}
        template.save(update_fields=["translations"])


class Migration(migrations.Migration):
    dependencies = [("casework", "0028_translations")]

    operations = [migrations.RunPython(add_spanish, remove_spanish)]
