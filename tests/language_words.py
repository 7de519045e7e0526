"""Words of one language that are not words of the other, for the language tests of pages, PDFs, e-mails and the
command line (issue 21): French text must hold none of :data:`ENGLISH`, English text none of :data:`FRENCH`.

A word of both languages is no sign of the other one: it is left out of the lists, or — where the English word is
worth catching but is also good French (« la somme due », « un record », « taux de change ») — read as French in
French text (:data:`ALSO_FRENCH`; :data:`ALSO_ENGLISH` the reverse).
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH = _words("""
the and of with from for by this that these those is are was were has have been not which per each into than
then there their your you our only also when where what who will should must would could please yes month months
year years day days week linear decay pass warn fail failed reason share ranking employment barometer
observatory declare declaration contract contracts settlement settlements invoice invoices amount quantity price
forecast member members sign account tokens password upload download issued issue record payment received due
paid outstanding late interest back found error expected missing column row line lines unit target raw fair met
inputs function region headcount hires change published register commitment commitments withheld fewer than
above cell cells recovered totals provider providers none between including excluding incl excl tax vat credit
lifecycle evaluation scorecard findings finding axis evidence enough data here nothing allowed new proposed
accepted rejected accept reject shared sharing choose chosen mediators invited revoke remove
administrator files save
""")
FRENCH = _words("""
le la les des du un une et ou avec pour sur dans par est sont aux au ces cette ce qui que quoi contrat contrats
facture factures montant quantité prix prévision mois jour jours année semaine arrêté arrêtés mesure membre
membres compte jeton jetons mot passe déposer télécharger émise émis reçu payé restant retard intérêts retour
trouvé erreur attendu manquant colonne ligne lignes cible brut équitable atteint emploi baromètre observatoire
déclarer déclaration fonction région effectif embauches engagement engagements prestataire prestataires
donneur ordre aucun aucune entre compris hors avoir vie évaluation critères constat constats axe
preuve données ici rien autorisé nouveau nouvelle proposé accepté refusé accepter refuser partagé partage
choisir fédération médiateur inviter invité invitée révoquer libellé gestionnaire lecteur retirer actif
fichier fichiers enregistrer conforme défaillant palmarès
""")
#: English words that are also French words: read as French in French text.
ALSO_FRENCH = frozenset({"due", "record", "change"})
#: French words that are also English words: read as English in English text.
ALSO_ENGLISH = frozenset({"axe"})
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒ]+(?:[’'][A-Za-zÀ-ÖØ-öø-ÿ]+)?")


ADDRESSES = re.compile(r"\S*[/@]\S*")  # paths, links and e-mail addresses are not words of a language


def foreign_words(text: str, words: frozenset[str]) -> list[str]:
    """Each word of ``text`` that is in ``words`` (the other language's list), with its context."""
    allowed = ALSO_FRENCH if words is ENGLISH else ALSO_ENGLISH if words is FRENCH else frozenset()
    text = ADDRESSES.sub(" ", text)
    hits = []
    for match in WORD.finditer(text):
        word = match.group(0)
        base = word.split("’")[-1].split("'")[-1].lower()
        if base in words and base not in allowed:
            start, end = max(match.start() - 40, 0), match.end() + 40
            hits.append(f"{word!r} in «{' '.join(text[start:end].split())}»")
    return hits
