<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About fieldvisit</source>
        <translation>À propos de fieldvisit</translation>
    </message>
    <message>
        <source>Field visits on everyday security for the Petites Villes de demain programme: checklist, interviews, diagnostic, action plan and report.</source>
        <translation>Visites de terrain « sécurité du quotidien » du programme Petites Villes de demain : checklist, entretiens, diagnostic, plan d&apos;actions et rapport.</translation>
    </message>
    <message>
        <source>&amp;Open the folder</source>
        <translation>&amp;Ouvrir le dossier</translation>
    </message>
    <message>
        <source>Your visits, photos and backups are kept in this folder. Uninstalling fieldvisit does not delete it: remove it yourself to erase the data.</source>
        <translation>Vos visites, photos et sauvegardes sont conservées dans ce dossier. La désinstallation de fieldvisit ne le supprime pas : supprimez-le vous-même pour effacer les données.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Version :</translation>
    </message>
    <message>
        <source>Libraries:</source>
        <translation>Bibliothèques :</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>Dossier de données :</translation>
    </message>
    <message>
        <source>Log file:</source>
        <translation>Journal :</translation>
    </message>
    <message>
        <source>Licences</source>
        <translation>Licences</translation>
    </message>
    <message>
        <source>fieldvisit and its icons</source>
        <translation>fieldvisit et ses icônes</translation>
    </message>
    <message>
        <source>MIT licence.</source>
        <translation>Licence MIT.</translation>
    </message>
    <message>
        <source>DejaVu Sans fonts (embedded in the reports)</source>
        <translation>Polices DejaVu Sans (incorporées aux rapports)</translation>
    </message>
    <message>
        <source>Bitstream Vera and Arev fonts licences; DejaVu&apos;s changes are in the public domain.</source>
        <translation>Licences des polices Bitstream Vera et Arev ; les modifications de DejaVu sont dans le domaine public.</translation>
    </message>
    <message>
        <source>Licence text</source>
        <translation>Texte de la licence</translation>
    </message>
    <message>
        <source>Communes reference</source>
        <translation>Référentiel des communes</translation>
    </message>
    <message>
        <source>« Source : Etalab, découpage administratif »: the data is under the Licence Ouverte / Open Licence (Etalab), the @etalab/decoupage-administratif package under the MIT licence.</source>
        <translation>« Source : Etalab, découpage administratif » : les données sont sous Licence Ouverte / Open Licence (Etalab), le paquet @etalab/decoupage-administratif sous licence MIT.</translation>
    </message>
    <message>
        <source>Source and licence</source>
        <translation>Source et licence</translation>
    </message>
    <message>
        <source>Qt and Qt for Python (PySide6)</source>
        <translation>Qt et Qt for Python (PySide6)</translation>
    </message>
    <message>
        <source>GNU LGPL version 3. Their libraries are separate files of the application and can be replaced; their source code is available from the Qt Project.</source>
        <translation>GNU LGPL version 3. Leurs bibliothèques sont des fichiers distincts de l&apos;application et peuvent être remplacées ; leur code source est disponible auprès du Qt Project.</translation>
    </message>
    <message>
        <source>Other components</source>
        <translation>Autres composants</translation>
    </message>
    <message>
        <source>Python (PSF licence); SQLAlchemy, Alembic, pydantic, platformdirs, keyring (MIT); Pillow (MIT-CMU); ReportLab, httpx (BSD); PDFium through pypdfium2 (Apache 2.0 and BSD).</source>
        <translation>Python (licence PSF) ; SQLAlchemy, Alembic, pydantic, platformdirs, keyring (MIT) ; Pillow (MIT-CMU) ; ReportLab, httpx (BSD) ; PDFium via pypdfium2 (Apache 2.0 et BSD).</translation>
    </message>
</context>
<context>
    <name>ActionDetailsDialog</name>
    <message>
        <source>Details of the action</source>
        <extracomment>the &quot;no review date&quot; value of the date field, shown with a special text</extracomment>
        <translation>Détails de l&apos;action</translation>
    </message>
    <message>
        <source>Schemes (dispositifs)</source>
        <translation>Dispositifs</translation>
    </message>
    <message>
        <source>Named lead</source>
        <translation>Porteur nommé</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Aucun</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Named lead:</source>
        <translation>Porteur nommé :</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Description :</translation>
    </message>
    <message>
        <source>Estimated cost</source>
        <translation>Coût estimé</translation>
    </message>
    <message>
        <source>not estimated</source>
        <translation>non estimé</translation>
    </message>
    <message>
        <source>Funding</source>
        <translation>Financement</translation>
    </message>
    <message>
        <source>Funder</source>
        <translation>Financeur</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Montant</translation>
    </message>
    <message>
        <source>Add a funder</source>
        <translation>Ajouter un financeur</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Success indicator</source>
        <translation>Indicateur de réussite</translation>
    </message>
    <message>
        <source>Review date</source>
        <translation>Date de revue</translation>
    </message>
    <message>
        <source>No review date</source>
        <translation>Pas de date de revue</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Effacer</translation>
    </message>
    <message>
        <source>Clear the review date</source>
        <translation>Effacer la date de revue</translation>
    </message>
    <message>
        <source>Estimated cost:</source>
        <translation>Coût estimé :</translation>
    </message>
    <message>
        <source>Funding:</source>
        <translation>Financement :</translation>
    </message>
    <message>
        <source>Success indicator:</source>
        <translation>Indicateur de réussite :</translation>
    </message>
    <message>
        <source>Review date:</source>
        <translation>Date de revue :</translation>
    </message>
    <message>
        <source>{0} is listed twice: one line per funder.</source>
        <translation>{0} figure deux fois : une ligne par financeur.</translation>
    </message>
    <message>
        <source>Total: {0} €</source>
        <translation>Total : {0} €</translation>
    </message>
    <message>
        <source>left to fund: {0} €</source>
        <translation>reste à financer : {0} €</translation>
    </message>
</context>
<context>
    <name>ActionTrackingModel</name>
    <message>
        <source>Commune</source>
        <extracomment>the roles this model answers; the view asks for about ten per cell at each repaint</extracomment>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Thème</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Porteur</source>
        <translation>Porteur</translation>
    </message>
    <message>
        <source>Dispositifs</source>
        <translation>Dispositifs</translation>
    </message>
    <message>
        <source>Due date</source>
        <translation>Échéance</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Visite</translation>
    </message>
    <message numerus="yes">
        <source>%n action(s)</source>
        <translation>
            <numerusform>%n action</numerusform>
            <numerusform>%n actions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n late</source>
        <translation>
            <numerusform>, %n en retard</numerusform>
            <numerusform>, %n en retard</numerusform>
        </translation>
    </message>
    <message>
        <source>No dispositif</source>
        <translation>Sans dispositif</translation>
    </message>
</context>
<context>
    <name>ActionTrackingPage</name>
    <message>
        <source>Action tracking</source>
        <extracomment>the tables whose records the page shows</extracomment>
        <translation>Suivi des actions</translation>
    </message>
    <message>
        <source>← Visit list</source>
        <translation>← Liste des visites</translation>
    </message>
    <message>
        <source>Search an action or a commune…</source>
        <translation>Chercher une action ou une commune…</translation>
    </message>
    <message>
        <source>All communes</source>
        <translation>Toutes les communes</translation>
    </message>
    <message>
        <source>All départements</source>
        <translation>Tous les départements</translation>
    </message>
    <message>
        <source>All porteurs</source>
        <translation>Tous les porteurs</translation>
    </message>
    <message>
        <source>All dispositifs</source>
        <translation>Tous les dispositifs</translation>
    </message>
    <message>
        <source>All priorities</source>
        <translation>Toutes les priorités</translation>
    </message>
    <message>
        <source>Priority %1</source>
        <translation>Priorité %1</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>All horizons</source>
        <translation>Tous les horizons</translation>
    </message>
    <message>
        <source>Due between</source>
        <translation>Échéance entre le</translation>
    </message>
    <message>
        <source>Late only</source>
        <translation>En retard seulement</translation>
    </message>
    <message>
        <source>Petites Villes de demain only</source>
        <translation>Petites Villes de demain seulement</translation>
    </message>
    <message>
        <source>No grouping</source>
        <translation>Sans regroupement</translation>
    </message>
    <message>
        <source>Group by commune</source>
        <translation>Par commune</translation>
    </message>
    <message>
        <source>Group by porteur</source>
        <translation>Par porteur</translation>
    </message>
    <message>
        <source>Group by dispositif</source>
        <translation>Par dispositif</translation>
    </message>
    <message>
        <source>and</source>
        <translation>et le</translation>
    </message>
    <message>
        <source>Set the status</source>
        <translation>Changer le statut</translation>
    </message>
    <message>
        <source>Set the due date</source>
        <translation>Changer l&apos;échéance</translation>
    </message>
    <message>
        <source>Selected actions:</source>
        <translation>Actions sélectionnées :</translation>
    </message>
    <message numerus="yes">
        <source>%n action(s)</source>
        <translation>
            <numerusform>%n action</numerusform>
            <numerusform>%n actions</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message numerus="yes">
        <source>, %n late</source>
        <translation>
            <numerusform>, %n en retard</numerusform>
            <numerusform>, %n en retard</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n action(s) selected</source>
        <translation>
            <numerusform>%n action sélectionnée</numerusform>
            <numerusform>%n actions sélectionnées</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n action(s) changed</source>
        <translation>
            <numerusform>%n action modifiée</numerusform>
            <numerusform>%n actions modifiées</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ActionsPage</name>
    <message>
        <source>Add a recommendation</source>
        <extracomment>Columns other than the action&apos;s text are as narrow as their longest word (labels wrap onto more lines and rows grow), or as this text where it must stay on one line; the action&apos;s text takes the rest of the width. The whole plan then fits a 1280-pixel window without scrolling sideways. the &quot;no due date&quot; value of the date editor, shown with a special text</extracomment>
        <translation>Ajouter une recommandation</translation>
    </message>
    <message>
        <source>Add a recommendation (Ctrl+Shift+A or Insert)</source>
        <translation>Ajouter une recommandation (Ctrl+Maj+A ou Inser)</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>Delete the selected recommendation (Delete)</source>
        <translation>Supprimer la recommandation sélectionnée (Suppr)</translation>
    </message>
    <message>
        <source>Action details…</source>
        <translation>Détails de l&apos;action…</translation>
    </message>
    <message>
        <source>Schemes, named lead, description, cost and funding, indicator and review date of the selected action ({0})</source>
        <translation>Dispositifs, porteur nommé, description, coût et financement, indicateur et date de revue de l&apos;action choisie ({0})</translation>
    </message>
    <message>
        <source>Action plan</source>
        <translation>Plan d&apos;actions</translation>
    </message>
    <message>
        <source>(no theme)</source>
        <translation>(sans thème)</translation>
    </message>
    <message>
        <source>No due date</source>
        <translation>Sans échéance</translation>
    </message>
    <message>
        <source>No recommendation yet. Add the first one with “Add a recommendation” (Ctrl+Shift+A).</source>
        <translation>Aucune recommandation pour l&apos;instant. Ajoutez la première avec «&#xa0;Ajouter une recommandation&#xa0;» (Ctrl+Maj+A).</translation>
    </message>
    <message>
        <source>Delete the recommendation</source>
        <translation>Supprimer la recommandation</translation>
    </message>
    <message>
        <source>Delete this recommendation from the action plan?

{0}</source>
        <translation>Supprimer cette recommandation du plan d&apos;actions&#xa0;?

{0}</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Clear the due date</source>
        <translation>Effacer l&apos;échéance</translation>
    </message>
    <message>
        <source>History…</source>
        <translation>Historique…</translation>
    </message>
</context>
<context>
    <name>AnnotationCanvas</name>
    <message>
        <source>Photo to annotate</source>
        <translation>Photo à annoter</translation>
    </message>
</context>
<context>
    <name>AnnotationDialog</name>
    <message>
        <source>Annotate the photo “{0}”</source>
        <translation>Annoter la photo « {0} »</translation>
    </message>
    <message>
        <source>&amp;Arrow</source>
        <translation>&amp;Flèche</translation>
    </message>
    <message>
        <source>&amp;Circle</source>
        <translation>&amp;Cercle</translation>
    </message>
    <message>
        <source>&amp;Rectangle</source>
        <translation>&amp;Rectangle</translation>
    </message>
    <message>
        <source>&amp;Text</source>
        <translation>&amp;Texte</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Couleur</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>Rouge</translation>
    </message>
    <message>
        <source>Yellow</source>
        <translation>Jaune</translation>
    </message>
    <message>
        <source>White</source>
        <translation>Blanc</translation>
    </message>
    <message>
        <source>Blue</source>
        <translation>Bleu</translation>
    </message>
    <message>
        <source>Colour:</source>
        <translation>Couleur&#xa0;:</translation>
    </message>
    <message>
        <source>Text to place</source>
        <translation>Texte à placer</translation>
    </message>
    <message>
        <source>Text, then click the photo</source>
        <translation>Texte, puis cliquez sur la photo</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <source>Clear all</source>
        <translation>Tout effacer</translation>
    </message>
    <message>
        <source>Drag on the photo to draw; the original photo is kept as it is, the report shows the annotated one.</source>
        <translation>Faites glisser sur la photo pour dessiner ; la photo d&apos;origine est conservée telle quelle, le rapport montre la photo annotée.</translation>
    </message>
    <message>
        <source>Arrow</source>
        <translation>Flèche</translation>
    </message>
    <message>
        <source>Circle</source>
        <translation>Cercle</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>Rectangle</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
</context>
<context>
    <name>ChangePassphraseDialog</name>
    <message>
        <source>Change passphrase</source>
        <translation>Changer la phrase de passe</translation>
    </message>
    <message>
        <source>The new passphrase replaces the current one, which will no longer open your data. Your data is not rewritten: only its key is.</source>
        <translation>La nouvelle phrase de passe remplace l&apos;actuelle, qui n&apos;ouvrira plus vos données. Vos données ne sont pas réécrites : seule leur clé l&apos;est.</translation>
    </message>
    <message>
        <source>The key of your data is kept in this computer&apos;s keyring, so no passphrase is asked at start. A passphrase also opens your data where the keyring is not available (another session, a reinstalled system).</source>
        <translation>La clé de vos données est gardée dans le trousseau de cet ordinateur : aucune phrase de passe n&apos;est demandée au démarrage. Une phrase de passe ouvre aussi vos données là où le trousseau n&apos;est pas disponible (autre session, système réinstallé).</translation>
    </message>
    <message>
        <source>C&amp;urrent passphrase:</source>
        <translation>Phrase de passe &amp;actuelle :</translation>
    </message>
    <message>
        <source>&amp;New passphrase:</source>
        <translation>&amp;Nouvelle phrase de passe :</translation>
    </message>
    <message>
        <source>&amp;Confirm:</source>
        <translation>&amp;Confirmation :</translation>
    </message>
    <message>
        <source>Type the current passphrase.</source>
        <translation>Saisissez la phrase de passe actuelle.</translation>
    </message>
    <message>
        <source>The two new passphrases differ: type them again.</source>
        <translation>Les deux nouvelles phrases de passe diffèrent : saisissez-les de nouveau.</translation>
    </message>
    <message>
        <source>Passphrase changed: the previous one no longer opens your data.</source>
        <translation>Phrase de passe changée : l&apos;ancienne n&apos;ouvre plus vos données.</translation>
    </message>
    <message>
        <source>Passphrase set: it opens your data where the keyring is not available.</source>
        <translation>Phrase de passe définie : elle ouvre vos données là où le trousseau n&apos;est pas disponible.</translation>
    </message>
    <message>
        <source>The current passphrase is not the right one.</source>
        <translation>Ce n&apos;est pas la phrase de passe actuelle.</translation>
    </message>
</context>
<context>
    <name>ChecklistPage</name>
    <message>
        <source>Next missing required item</source>
        <extracomment>the person asked to attach a photo to an item: (form id, item id)</extracomment>
        <translation>Élément obligatoire suivant sans réponse</translation>
    </message>
    <message>
        <source>Go to the next required item that has no answer yet.</source>
        <translation>Aller au prochain élément obligatoire qui n&apos;a pas encore de réponse.</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <source>The checklist of this visit cannot be shown.</source>
        <translation>La checklist de cette visite ne peut pas être affichée.</translation>
    </message>
    <message>
        <source>{0}/{1} items answered</source>
        <translation>{0}/{1} éléments renseignés</translation>
    </message>
    <message>
        <source>Required items still missing: {0}</source>
        <translation>Éléments obligatoires encore sans réponse&#xa0;: {0}</translation>
    </message>
    <message>
        <source>All required items are answered.</source>
        <translation>Tous les éléments obligatoires sont renseignés.</translation>
    </message>
</context>
<context>
    <name>ComboChoiceEditor</name>
    <message>
        <source>(no answer)</source>
        <translation>(sans réponse)</translation>
    </message>
</context>
<context>
    <name>CommuneCardView</name>
    <message>
        <source>Commune card</source>
        <translation>Fiche de la commune</translation>
    </message>
    <message>
        <source>Choose a commune to see its card.</source>
        <translation>Choisissez une commune pour voir sa fiche.</translation>
    </message>
    <message>
        <source>Petites Villes de demain town</source>
        <translation>Commune Petites Villes de demain</translation>
    </message>
    <message>
        <source>Phone: {0}</source>
        <translation>Tél. : {0}</translation>
    </message>
    <message>
        <source>Opening hours: {0}</source>
        <translation>Horaires d&apos;accueil : {0}</translation>
    </message>
    <message>
        <source>Recorded crime</source>
        <translation>Délinquance enregistrée</translation>
    </message>
    <message>
        <source>commune</source>
        <translation>commune</translation>
    </message>
    <message>
        <source>dép.</source>
        <translation>dép.</translation>
    </message>
</context>
<context>
    <name>CompleteVisitDialog</name>
    <message>
        <source>Complete the visit</source>
        <translation>Terminer la visite</translation>
    </message>
    <message>
        <source>The visit cannot be completed yet: {0} required item(s) without an answer.</source>
        <translation>La visite ne peut pas encore être terminée&#xa0;: {0} élément(s) obligatoire(s) sans réponse.</translation>
    </message>
    <message>
        <source>Required items without an answer</source>
        <translation>Éléments obligatoires sans réponse</translation>
    </message>
    <message>
        <source>Go to the first missing item</source>
        <translation>Aller au premier élément manquant</translation>
    </message>
    <message>
        <source>What is still empty</source>
        <translation>Ce qui est encore vide</translation>
    </message>
    <message>
        <source>Still empty (nothing requires it): you may complete the visit now or fill them in first.</source>
        <translation>Encore vide (rien n&apos;y oblige)&#xa0;: vous pouvez terminer la visite maintenant ou les renseigner d&apos;abord.</translation>
    </message>
    <message>
        <source>Everything is filled in.</source>
        <translation>Tout est renseigné.</translation>
    </message>
    <message>
        <source>The synthesis of the visit (Informations) is empty</source>
        <translation>La synthèse de la visite (Informations) est vide</translation>
    </message>
    <message>
        <source>Interview « {0} »: no notes</source>
        <translation>Entretien «&#xa0;{0}&#xa0;»&#xa0;: aucune note</translation>
    </message>
    <message>
        <source>{0} optional item(s) without an answer:</source>
        <translation>{0} élément(s) facultatif(s) sans réponse&#xa0;:</translation>
    </message>
    <message>
        <source>    … and {0} more</source>
        <translation>    … et {0} autre(s)</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <source>Sync conflicts</source>
        <extracomment>a conflict was resolved; the visit it belongs to (&quot;&quot; if none) the list was (re)loaded: how many conflicts are open</extracomment>
        <translation>Conflits de synchronisation</translation>
    </message>
    <message>
        <source>You and someone else changed the same thing before syncing. The server&apos;s version is shown in the app for now; choose what to keep. Your choice is sent at the next sync.</source>
        <translation>Vous et une autre personne avez modifié la même chose avant de synchroniser. L&apos;application montre pour l&apos;instant la version du serveur ; choisissez ce qu&apos;il faut garder. Votre choix partira à la prochaine synchronisation.</translation>
    </message>
    <message>
        <source>Conflicts to review</source>
        <translation>Conflits à examiner</translation>
    </message>
    <message>
        <source>No conflict to review: everything is in order.</source>
        <translation>Aucun conflit à examiner : tout est en ordre.</translation>
    </message>
    <message>
        <source>Your version</source>
        <translation>Votre version</translation>
    </message>
    <message>
        <source>Keep &amp;my version</source>
        <translation>Garder &amp;ma version</translation>
    </message>
    <message>
        <source>Server version</source>
        <translation>Version du serveur</translation>
    </message>
    <message>
        <source>Keep the &amp;server version</source>
        <translation>Garder la version du &amp;serveur</translation>
    </message>
    <message>
        <source>Or write the text to keep</source>
        <translation>Ou écrivez le texte à garder</translation>
    </message>
    <message>
        <source>Text to keep</source>
        <translation>Texte à garder</translation>
    </message>
    <message>
        <source>Keep &amp;this text</source>
        <translation>Garder &amp;ce texte</translation>
    </message>
    <message numerus="yes">
        <source>Sync conflicts (%n)</source>
        <translation>
            <numerusform>Conflits de synchronisation (%n)</numerusform>
            <numerusform>Conflits de synchronisation (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>deleted on one side</source>
        <translation>supprimé d&apos;un côté</translation>
    </message>
    <message>
        <source>{0} ({1}), {2}</source>
        <translation>{0} ({1}), {2}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Visit:&lt;/b&gt; {0}</source>
        <translation>&lt;b&gt;Visite :&lt;/b&gt; {0}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Record:&lt;/b&gt; {0}</source>
        <translation>&lt;b&gt;Élément :&lt;/b&gt; {0}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Change:&lt;/b&gt; deleted on one side, changed on the other</source>
        <translation>&lt;b&gt;Modification :&lt;/b&gt; supprimé d&apos;un côté, modifié de l&apos;autre</translation>
    </message>
    <message>
        <source>&lt;b&gt;Field:&lt;/b&gt; {0}</source>
        <translation>&lt;b&gt;Champ :&lt;/b&gt; {0}</translation>
    </message>
    <message>
        <source>Conflict found on {0}.</source>
        <translation>Conflit constaté le {0}.</translation>
    </message>
    <message>
        <source>The server version was saved on {0}.</source>
        <translation>La version du serveur a été enregistrée le {0}.</translation>
    </message>
    <message>
        <source>Con&amp;firm the deletion</source>
        <translation>Con&amp;firmer la suppression</translation>
    </message>
    <message>
        <source>&amp;Keep what came back</source>
        <translation>&amp;Garder ce qui est revenu</translation>
    </message>
    <message>
        <source>Archive version</source>
        <translation>Version de l&apos;archive</translation>
    </message>
    <message>
        <source>Keep the &amp;archive version</source>
        <translation>Garder la version de l&apos;&amp;archive</translation>
    </message>
</context>
<context>
    <name>ContactChecklist</name>
    <message>
        <source>Filter contacts…</source>
        <translation>Filtrer les contacts…</translation>
    </message>
    <message>
        <source>Filter contacts</source>
        <translation>Filtrer les contacts</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Contacts</translation>
    </message>
    <message>
        <source>No contact yet.</source>
        <translation>Aucun contact pour l&apos;instant.</translation>
    </message>
    <message>
        <source>New contact…</source>
        <translation>Nouveau contact…</translation>
    </message>
</context>
<context>
    <name>ContactDialog</name>
    <message>
        <source>New contact</source>
        <translation>Nouveau contact</translation>
    </message>
    <message>
        <source>Edit the contact</source>
        <translation>Modifier le contact</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nom&#xa0;:</translation>
    </message>
    <message>
        <source>Function</source>
        <translation>Fonction</translation>
    </message>
    <message>
        <source>&amp;Function:</source>
        <translation>&amp;Fonction&#xa0;:</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>Organisme</translation>
    </message>
    <message>
        <source>e.g. Mairie, Brigade de Saint-Flour</source>
        <translation>par ex. Mairie, Brigade de Saint-Flour</translation>
    </message>
    <message>
        <source>&amp;Organisation:</source>
        <translation>&amp;Organisme&#xa0;:</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Téléphone</translation>
    </message>
    <message>
        <source>&amp;Phone:</source>
        <translation>&amp;Téléphone&#xa0;:</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Courriel</translation>
    </message>
    <message>
        <source>&amp;Email:</source>
        <translation>&amp;Courriel&#xa0;:</translation>
    </message>
    <message>
        <source>Create the contact</source>
        <translation>Créer le contact</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Enter the person&apos;s name.</source>
        <translation>Saisissez le nom de la personne.</translation>
    </message>
</context>
<context>
    <name>ContactPickerDialog</name>
    <message>
        <source>Choose contacts</source>
        <translation>Choisir des contacts</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>Territory dashboard</source>
        <translation>Tableau de bord du territoire</translation>
    </message>
    <message>
        <source>← Visit list</source>
        <translation>← Liste des visites</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>Enregistrer en PDF…</translation>
    </message>
    <message>
        <source>The communes shown, for a comité de pilotage</source>
        <translation>Les communes affichées, pour un comité de pilotage</translation>
    </message>
    <message>
        <source>All départements</source>
        <translation>Tous les départements</translation>
    </message>
    <message>
        <source>Petites Villes de demain only</source>
        <translation>Petites Villes de demain seulement</translation>
    </message>
    <message>
        <source>Every status</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Dép.</source>
        <translation>Dép.</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>Dernière visite</translation>
    </message>
    <message>
        <source>Next visit</source>
        <translation>Prochaine visite</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Open actions</source>
        <translation>Actions ouvertes</translation>
    </message>
    <message>
        <source>Late</source>
        <translation>En retard</translation>
    </message>
    <message>
        <source>Themes of highest concern</source>
        <translation>Thèmes les plus préoccupants</translation>
    </message>
    <message>
        <source>Level of the last diagnostic:</source>
        <translation>Niveau du dernier diagnostic :</translation>
    </message>
    <message>
        <source>Levels of concern by theme</source>
        <translation>Niveaux de préoccupation par thème</translation>
    </message>
    <message>
        <source>département %1</source>
        <translation>département %1</translation>
    </message>
    <message>
        <source>status: %1</source>
        <translation>statut : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n commune(s)</source>
        <translation>
            <numerusform>%n commune</numerusform>
            <numerusform>%n communes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n late</source>
        <translation>
            <numerusform>%n en retard</numerusform>
            <numerusform>%n en retard</numerusform>
        </translation>
    </message>
    <message>
        <source>Last diagnostic: %1</source>
        <translation>Dernier diagnostic : %1</translation>
    </message>
    <message>
        <source>Save the dashboard as PDF</source>
        <translation>Enregistrer le tableau de bord en PDF</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>Documents PDF (*.pdf)</translation>
    </message>
</context>
<context>
    <name>DataSafetyUi</name>
    <message>
        <source>Automatic backup not made: {0}</source>
        <extracomment>The start backup waits for the visit list at most this long after the show: a list that could not be read must not hold back the backup and the integrity check.</extracomment>
        <translation>Sauvegarde automatique non faite : {0}</translation>
    </message>
    <message>
        <source>fieldvisit closes, restores the backup and starts again.</source>
        <translation>fieldvisit se ferme, restaure la sauvegarde et redémarre.</translation>
    </message>
</context>
<context>
    <name>DateEditor</name>
    <message>
        <source>not set</source>
        <translation>non renseignée</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Effacer</translation>
    </message>
    <message>
        <source>Clear the date: {0}</source>
        <translation>Effacer la date&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Ctrl+Delete also clears the date.</source>
        <translation>Ctrl+Suppr efface aussi la date.</translation>
    </message>
</context>
<context>
    <name>DiagnosticPage</name>
    <message>
        <source>Diagnostic</source>
        <translation>Diagnostic</translation>
    </message>
    <message>
        <source>The diagnostic of this visit cannot be shown.</source>
        <translation>Le diagnostic de cette visite ne peut pas être affiché.</translation>
    </message>
    <message>
        <source>Themes: level of concern and observations</source>
        <translation>Thèmes&#xa0;: niveau de préoccupation et observations</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>Questions</translation>
    </message>
    <message>
        <source>{0} of {1} themes evaluated</source>
        <translation>{0} thèmes évalués sur {1}</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}&#xa0;: {1}</translation>
    </message>
</context>
<context>
    <name>EvolutionPanel</name>
    <message>
        <source>Actions of the visit of {0}</source>
        <translation>Actions de la visite du {0}</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}&#xa0;: {1}</translation>
    </message>
    <message>
        <source>The plan of that visit had no action.</source>
        <translation>Le plan de cette visite ne comptait aucune action.</translation>
    </message>
    <message>
        <source>due {0}</source>
        <translation>échéance {0}</translation>
    </message>
</context>
<context>
    <name>ExportsUi</name>
    <message>
        <source>Export to a &amp;spreadsheet (.xlsx)…</source>
        <translation>Exporter vers un &amp;tableur (.xlsx)…</translation>
    </message>
    <message>
        <source>Visits, answers, interviews, diagnostic and actions in one workbook</source>
        <translation>Visites, réponses, entretiens, diagnostic et actions dans un classeur</translation>
    </message>
    <message>
        <source>Export as &amp;CSV files…</source>
        <translation>Exporter en fichiers &amp;CSV…</translation>
    </message>
    <message>
        <source>Export the planned visits to a &amp;calendar (.ics)…</source>
        <translation>Exporter les visites planifiées vers un &amp;agenda (.ics)…</translation>
    </message>
    <message>
        <source>For Outlook or Thunderbird</source>
        <translation>Pour Outlook ou Thunderbird</translation>
    </message>
    <message>
        <source>E&amp;xport</source>
        <translation>E&amp;xporter</translation>
    </message>
    <message>
        <source>Export to a spreadsheet</source>
        <translation>Exporter vers un tableur</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Classeurs Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Folder for the CSV files</source>
        <translation>Dossier des fichiers CSV</translation>
    </message>
    <message>
        <source>Export the planned visits</source>
        <translation>Exporter les visites planifiées</translation>
    </message>
    <message>
        <source>Calendars (*.ics)</source>
        <translation>Agendas (*.ics)</translation>
    </message>
    <message>
        <source>Confidential items</source>
        <translation>Éléments confidentiels</translation>
    </message>
    <message>
        <source>Include the confidential items and those reserved to the services? The file is then for restricted distribution only.</source>
        <translation>Inclure les éléments confidentiels et ceux réservés aux services ? Le fichier est alors en diffusion restreinte.</translation>
    </message>
    <message>
        <source>Without them</source>
        <translation>Sans eux</translation>
    </message>
    <message>
        <source>Include them</source>
        <translation>Les inclure</translation>
    </message>
    <message>
        <source>Workbook written: {0} ({1} visits).</source>
        <translation>Classeur écrit : {0} ({1} visites).</translation>
    </message>
    <message>
        <source>Writing the workbook…</source>
        <translation>Écriture du classeur…</translation>
    </message>
    <message>
        <source>{0} CSV files written in {1}.</source>
        <translation>{0} fichiers CSV écrits dans {1}.</translation>
    </message>
    <message>
        <source>Writing the CSV files…</source>
        <translation>Écriture des fichiers CSV…</translation>
    </message>
    <message>
        <source>Calendar written: {0} ({1} planned visits).</source>
        <translation>Agenda écrit : {0} ({1} visites planifiées).</translation>
    </message>
    <message>
        <source>Writing the calendar…</source>
        <translation>Écriture de l&apos;agenda…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>Export annulé.</translation>
    </message>
</context>
<context>
    <name>FollowUpDialog</name>
    <message>
        <source>Follow-up visit</source>
        <extracomment>the id of the follow-up visit just planned</extracomment>
        <translation>Visite de suivi</translation>
    </message>
    <message>
        <source>Date of the visit</source>
        <translation>Date de la visite</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Your name (shown in the report)</source>
        <translation>Votre nom (affiché dans le rapport)</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Author:</source>
        <translation>&amp;Auteur&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Participants:</source>
        <translation>&amp;Participants&#xa0;:</translation>
    </message>
    <message>
        <source>Create the follow-up visit</source>
        <translation>Créer la visite de suivi</translation>
    </message>
    <message>
        <source>Follow-up of the visit of {0} on {1}; its open recommendations are carried over.</source>
        <translation>Suivi de la visite de {0} du {1}&#xa0;; ses recommandations en cours sont reprises.</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Participants</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>History</source>
        <extracomment>a value was restored: (table, record id); the opener reloads what it shows</extracomment>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Changes, newest first</source>
        <translation>Modifications, de la plus récente à la plus ancienne</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Champ</translation>
    </message>
    <message>
        <source>Previous value</source>
        <translation>Ancienne valeur</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>Nouvelle valeur</translation>
    </message>
    <message>
        <source>How</source>
        <translation>Origine</translation>
    </message>
    <message>
        <source>No change recorded yet.</source>
        <translation>Aucune modification enregistrée pour l&apos;instant.</translation>
    </message>
    <message>
        <source>Value before this change:</source>
        <translation>Valeur avant cette modification :</translation>
    </message>
    <message>
        <source>Value before this change</source>
        <translation>Valeur avant cette modification</translation>
    </message>
    <message>
        <source>Restore this value</source>
        <translation>Restaurer cette valeur</translation>
    </message>
    <message>
        <source>Put back the value the field had before the selected change. The restore is a change of its own: it is kept in the history and sent at the next sync.</source>
        <translation>Remet la valeur qu&apos;avait le champ avant la modification choisie. La restauration est une modification à part entière : elle reste dans l&apos;historique et sera envoyée à la prochaine synchronisation.</translation>
    </message>
    <message>
        <source>History of: {0}</source>
        <translation>Historique de : {0}</translation>
    </message>
    <message>
        <source>this computer</source>
        <translation>cet ordinateur</translation>
    </message>
    <message>
        <source>device {0}</source>
        <translation>appareil {0}</translation>
    </message>
    <message>
        <source>Made on this computer before any sign-in to a server</source>
        <translation>Faite sur cet ordinateur avant toute connexion à un serveur</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Modification</translation>
    </message>
    <message>
        <source>Received from the server</source>
        <translation>Reçue du serveur</translation>
    </message>
    <message>
        <source>Merged at sync</source>
        <translation>Fusion à la synchronisation</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restauration</translation>
    </message>
    <message>
        <source>Archive import</source>
        <translation>Import d&apos;archive</translation>
    </message>
    <message>
        <source>(not deleted)</source>
        <translation>(non supprimé)</translation>
    </message>
    <message>
        <source>Deleted on {0}</source>
        <translation>Supprimé le {0}</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(vide)</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Oui</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Non</translation>
    </message>
    <message>
        <source>This change cannot be undone from the history.</source>
        <translation>Cette modification ne peut pas être annulée depuis l&apos;historique.</translation>
    </message>
    <message>
        <source>This record was deleted.</source>
        <translation>Cet enregistrement a été supprimé.</translation>
    </message>
    <message>
        <source>The field already has this value.</source>
        <translation>Le champ a déjà cette valeur.</translation>
    </message>
    <message>
        <source>Value restored. It will be sent at the next synchronisation.</source>
        <translation>Valeur restaurée. Elle sera envoyée à la prochaine synchronisation.</translation>
    </message>
</context>
<context>
    <name>InfoPage</name>
    <message>
        <source>Status</source>
        <extracomment>the person wants to see the first required item without an answer the person clicked the link to the previous visit</extracomment>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Start the visit</source>
        <translation>Commencer la visite</translation>
    </message>
    <message>
        <source>Complete the visit</source>
        <translation>Terminer la visite</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Rouvrir</translation>
    </message>
    <message>
        <source>Visit date</source>
        <translation>Date de la visite</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Commune:</source>
        <translation>Commune&#xa0;:</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Type&#xa0;:</translation>
    </message>
    <message>
        <source>Follow-up of:</source>
        <translation>Suite de&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Author:</source>
        <translation>&amp;Auteur&#xa0;:</translation>
    </message>
    <message>
        <source>Forms:</source>
        <translation>Formulaires&#xa0;:</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>Double-click or Enter: open the contact</source>
        <translation>Double-clic ou Entrée : ouvrir le contact</translation>
    </message>
    <message>
        <source>Add a participant…</source>
        <translation>Ajouter un participant…</translation>
    </message>
    <message>
        <source>New contact…</source>
        <translation>Nouveau contact…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <source>Edit the selected participant</source>
        <translation>Modifier le participant sélectionné</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>&amp;Summary of the visit:</source>
        <translation>&amp;Synthèse de la visite&#xa0;:</translation>
    </message>
    <message>
        <source>Summary of the visit</source>
        <translation>Synthèse de la visite</translation>
    </message>
    <message>
        <source>What matters most: what was seen, heard and agreed.</source>
        <translation>L&apos;essentiel&#xa0;: ce qui a été vu, entendu et convenu.</translation>
    </message>
    <message>
        <source>Signatures</source>
        <translation>Signatures</translation>
    </message>
    <message>
        <source>Commune card (public data)</source>
        <translation>Fiche de la commune (données publiques)</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>Informations</translation>
    </message>
    <message>
        <source>{0} ({1}) — INSEE code {2}</source>
        <translation>{0} ({1}) — code INSEE {2}</translation>
    </message>
    <message>
        <source>the visit of {0}</source>
        <translation>la visite du {0}</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Reading the commune card…</source>
        <translation>Lecture de la fiche de la commune…</translation>
    </message>
    <message>
        <source>The report was issued: to sign it, reopen the visit (Status, « Reopen »); the report issued next will be a new version, the issued ones stay as they are.</source>
        <translation>Le rapport a été émis : pour le signer, rouvrez la visite (Statut, « Rouvrir ») ; le prochain rapport émis en sera une nouvelle version, ceux déjà émis restent tels quels.</translation>
    </message>
    <message>
        <source>The signatures go into the signature block of the report.</source>
        <translation>Les signatures figurent dans le bloc « Visa et signatures » du rapport.</translation>
    </message>
    <message>
        <source>No participant yet.</source>
        <translation>Aucun participant pour l&apos;instant.</translation>
    </message>
    <message>
        <source>Add a participant</source>
        <translation>Ajouter un participant</translation>
    </message>
    <message>
        <source>Person who took part in the visit:</source>
        <translation>Personne ayant participé à la visite&#xa0;:</translation>
    </message>
</context>
<context>
    <name>InterviewsPage</name>
    <message>
        <source>No interview yet. Use “New interview…” to record one.</source>
        <translation>Aucun entretien pour l&apos;instant. Utilisez «&#xa0;Nouvel entretien…&#xa0;» pour en consigner un.</translation>
    </message>
    <message>
        <source>Interviews</source>
        <translation>Entretiens</translation>
    </message>
    <message>
        <source>Interviews of the visit</source>
        <translation>Entretiens de la visite</translation>
    </message>
    <message>
        <source>New interview…</source>
        <translation>Nouvel entretien…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>Delete the interview</source>
        <translation>Supprimer l&apos;entretien</translation>
    </message>
    <message>
        <source>Interview title</source>
        <translation>Titre de l&apos;entretien</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>&amp;Titre&#xa0;:</translation>
    </message>
    <message>
        <source>Interview date</source>
        <translation>Date de l&apos;entretien</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date&#xa0;:</translation>
    </message>
    <message>
        <source>Guide:</source>
        <translation>Guide&#xa0;:</translation>
    </message>
    <message>
        <source>Interviewees</source>
        <translation>Personnes interrogées</translation>
    </message>
    <message>
        <source>Double-click or Enter: open the contact</source>
        <translation>Double-clic ou Entrée : ouvrir le contact</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Ajouter…</translation>
    </message>
    <message>
        <source>Add an interviewee</source>
        <translation>Ajouter une personne interrogée</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <source>Edit the selected interviewee</source>
        <translation>Modifier la personne interrogée sélectionnée</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Remove the selected interviewee</source>
        <translation>Retirer la personne interrogée sélectionnée</translation>
    </message>
    <message>
        <source>Interviewees:</source>
        <translation>Personnes interrogées&#xa0;:</translation>
    </message>
    <message>
        <source>Free notes:</source>
        <translation>Notes libres&#xa0;:</translation>
    </message>
    <message>
        <source>Free notes of the interview</source>
        <translation>Notes libres de l&apos;entretien</translation>
    </message>
    <message>
        <source>What was said, in your own words; to sort out later.</source>
        <translation>Ce qui a été dit, avec vos mots&#xa0;; à trier plus tard.</translation>
    </message>
    <message>
        <source>History of the interview…</source>
        <translation>Historique de l&apos;entretien…</translation>
    </message>
    <message>
        <source>Delete the interview “{0}”, its answers and its notes?</source>
        <translation>Supprimer l&apos;entretien «&#xa0;{0}&#xa0;», ses réponses et ses notes&#xa0;?</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Add interviewees</source>
        <translation>Ajouter des personnes interrogées</translation>
    </message>
</context>
<context>
    <name>IssueReportDialog</name>
    <message>
        <source>Issue the report</source>
        <translation>Émettre le rapport</translation>
    </message>
    <message>
        <source>The internal report will be generated and kept as issued document, version {0}, exactly as it is now. The visit then becomes read-only (« report issued »); to change it later, reopen it: the next report issued will be version {1}.</source>
        <translation>Le rapport interne va être généré et conservé comme document émis, version {0}, exactement tel qu&apos;il est maintenant. La visite passe ensuite en lecture seule («&#xa0;rapport émis&#xa0;»)&#xa0;; pour la modifier plus tard, rouvrez-la&#xa0;: le prochain rapport émis sera la version {1}.</translation>
    </message>
    <message>
        <source>Issue version {0}</source>
        <translation>Émettre la version {0}</translation>
    </message>
</context>
<context>
    <name>ItemRow</name>
    <message>
        <source>required</source>
        <translation>obligatoire</translation>
    </message>
    <message>
        <source>Required item</source>
        <translation>Élément obligatoire</translation>
    </message>
    <message>
        <source>Confidential</source>
        <translation>Confidentiel</translation>
    </message>
    <message>
        <source>Left out of the shareable report: for internal use only.</source>
        <translation>Exclu du rapport partageable&#xa0;: à usage interne uniquement.</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Commentaire</translation>
    </message>
    <message>
        <source>Comment on: {0}</source>
        <translation>Commentaire sur&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Data unavailable…</source>
        <translation>Donnée indisponible…</translation>
    </message>
    <message>
        <source>Data unavailable: {0}</source>
        <translation>Donnée indisponible : {0}</translation>
    </message>
    <message>
        <source>Answer « data unavailable » with a reason ({0}): the item then counts as answered.</source>
        <translation>Répondre « Donnée indisponible » en donnant la raison ({0}) : l&apos;élément compte alors comme renseigné.</translation>
    </message>
    <message>
        <source>The visit&apos;s date (also in Informations).</source>
        <translation>La date de la visite (aussi dans Informations)&#xa0;: saisie une seule fois.</translation>
    </message>
    <message>
        <source>The visit&apos;s synthesis (also in Informations).</source>
        <translation>La synthèse de la visite (aussi dans Informations)&#xa0;: saisie une seule fois.</translation>
    </message>
    <message>
        <source>The visit&apos;s participants: added or removed in Informations.</source>
        <translation>Les participants de la visite&#xa0;: ajoutés ou retirés dans Informations.</translation>
    </message>
    <message>
        <source>The interview&apos;s date (the Date field above).</source>
        <translation>La date de l&apos;entretien (le champ Date ci-dessus).</translation>
    </message>
    <message>
        <source>The interviewees: added or removed under « Interviewees » above.</source>
        <translation>Les personnes interrogées&#xa0;: ajoutées ou retirées ci-dessus, sous «&#xa0;Personnes interrogées&#xa0;».</translation>
    </message>
    <message>
        <source>Data unavailable — {0}</source>
        <translation>Donnée indisponible — {0}</translation>
    </message>
    <message>
        <source>Change the reason…</source>
        <translation>Modifier la raison…</translation>
    </message>
    <message>
        <source>Comment, detail, source…</source>
        <translation>Commentaire, précision, source…</translation>
    </message>
    <message>
        <source>confidential</source>
        <translation>confidentiel</translation>
    </message>
    <message>
        <source>History…</source>
        <translation>Historique…</translation>
    </message>
    <message>
        <source>Clear « data unavailable »</source>
        <translation>Annuler « Donnée indisponible »</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;New visit…</source>
        <extracomment>the first start&apos;s size, frame included it fits a 1366×768 laptop screen: 768 less a taskbar (~40 px) and a title bar (~30 px) leaves about 700 px</extracomment>
        <translation>&amp;Nouvelle visite…</translation>
    </message>
    <message>
        <source>&amp;Follow-up visit</source>
        <translation>Visite de &amp;suivi</translation>
    </message>
    <message>
        <source>Plan a follow-up of the open or selected visit (its date, author and participants are asked first).</source>
        <translation>Planifie une visite de suivi de la visite ouverte ou sélectionnée (sa date, son auteur et ses participants sont demandés d&apos;abord).</translation>
    </message>
    <message>
        <source>Load the &amp;demonstration data</source>
        <translation>Charger les &amp;données de démonstration</translation>
    </message>
    <message>
        <source>&amp;Import public data…</source>
        <translation>&amp;Importer des données publiques…</translation>
    </message>
    <message>
        <source>Import the files published on data.gouv.fr: recorded crime (SSMSI), Petites Villes de demain, France Ruralités Revitalisation, gendarmerie units.</source>
        <translation>Importer les fichiers publiés sur data.gouv.fr : délinquance enregistrée (SSMSI), Petites Villes de demain, France Ruralités Revitalisation, unités de gendarmerie.</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Préférences…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>Ne&amp;xt section</source>
        <translation>Section &amp;suivante</translation>
    </message>
    <message>
        <source>P&amp;revious section</source>
        <translation>Section &amp;précédente</translation>
    </message>
    <message>
        <source>Next &amp;unanswered required item</source>
        <translation>Prochain élément &amp;obligatoire sans réponse</translation>
    </message>
    <message>
        <source>&amp;Back to the visit list</source>
        <translation>Retour à la &amp;liste des visites</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>&amp;About fieldvisit</source>
        <translation>À &amp;propos de fieldvisit</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Aller</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ai&amp;de</translation>
    </message>
    <message>
        <source>Data: {0}</source>
        <translation>Données&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Travail en cours…</translation>
    </message>
    <message>
        <source>Saving or loading…</source>
        <translation>Enregistrement ou chargement en cours…</translation>
    </message>
    <message>
        <source>{0} ({1}) — fieldvisit</source>
        <translation>{0} ({1}) — fieldvisit</translation>
    </message>
    <message>
        <source>Preferences saved: the new language applies at the next start.</source>
        <translation>Préférences enregistrées&#xa0;: la nouvelle langue s&apos;appliquera au prochain démarrage.</translation>
    </message>
    <message>
        <source>Preferences saved.</source>
        <translation>Préférences enregistrées.</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message numerus="yes">
        <source>%n visit(s)</source>
        <translation>
            <numerusform>%n visite</numerusform>
            <numerusform>%n visites</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MissingItemsDialog</name>
    <message>
        <source>The visit cannot be completed yet</source>
        <translation>La visite ne peut pas encore être terminée</translation>
    </message>
    <message>
        <source>Required items still without an answer:</source>
        <translation>Éléments obligatoires encore sans réponse&#xa0;:</translation>
    </message>
    <message>
        <source>Required items without an answer</source>
        <translation>Éléments obligatoires sans réponse</translation>
    </message>
    <message>
        <source>Go to the first missing item</source>
        <translation>Aller au premier élément manquant</translation>
    </message>
</context>
<context>
    <name>NewInterviewDialog</name>
    <message>
        <source>New interview</source>
        <extracomment>where the person left the splitters (interview list | guide; guide / free notes) the same, with the free notes beside the guide (a wide page: quick notes folded) at first, the guide gets this many times the height of the free notes from this page width the free notes go beside the guide, which then gets the whole height (at 1366×768 with the quick notes folded; below it they go under the guide) the interviewee list is as tall as its people, within these many rows</extracomment>
        <translation>Nouvel entretien</translation>
    </message>
    <message>
        <source>Interview guide</source>
        <translation>Guide d&apos;entretien</translation>
    </message>
    <message>
        <source>&amp;Guide:</source>
        <translation>&amp;Guide&#xa0;:</translation>
    </message>
    <message>
        <source>Interview title</source>
        <translation>Titre de l&apos;entretien</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>&amp;Titre&#xa0;:</translation>
    </message>
    <message>
        <source>Interview date</source>
        <translation>Date de l&apos;entretien</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date&#xa0;:</translation>
    </message>
    <message>
        <source>Interviewee(s):</source>
        <translation>Personne(s) interrogée(s)&#xa0;:</translation>
    </message>
    <message>
        <source>Start the interview</source>
        <translation>Commencer l&apos;entretien</translation>
    </message>
</context>
<context>
    <name>NewVisitDialog</name>
    <message>
        <source>New visit</source>
        <extracomment>the id of the visit just planned</extracomment>
        <translation>Nouvelle visite</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Name, postal code or INSEE code</source>
        <translation>Nom, code postal ou code INSEE</translation>
    </message>
    <message>
        <source>Petites Villes de demain only</source>
        <translation>Petites Villes de demain seulement</translation>
    </message>
    <message>
        <source>Date of the visit</source>
        <translation>Date de la visite</translation>
    </message>
    <message>
        <source>Type of visit</source>
        <translation>Type de visite</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Your name (shown in the report)</source>
        <translation>Votre nom (indiqué dans le rapport)</translation>
    </message>
    <message>
        <source>Checklist form</source>
        <translation>Formulaire de checklist</translation>
    </message>
    <message>
        <source>Diagnostic form</source>
        <translation>Formulaire de diagnostic</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>&amp;Commune:</source>
        <translation>&amp;Commune&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Type&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Author:</source>
        <translation>&amp;Auteur&#xa0;:</translation>
    </message>
    <message>
        <source>C&amp;hecklist:</source>
        <translation>C&amp;hecklist&#xa0;:</translation>
    </message>
    <message>
        <source>D&amp;iagnostic:</source>
        <translation>D&amp;iagnostic&#xa0;:</translation>
    </message>
    <message>
        <source>Create the visit</source>
        <translation>Créer la visite</translation>
    </message>
    <message>
        <source>Loading the list of communes…</source>
        <translation>Chargement de la liste des communes…</translation>
    </message>
    <message>
        <source>{0} (version {1})</source>
        <translation>{0} (version {1})</translation>
    </message>
    <message>
        <source>No list of Petites Villes de demain is imported (File › Import public data…).</source>
        <translation>Aucune liste des Petites Villes de demain n&apos;est importée (Fichier › Importer des données publiques…).</translation>
    </message>
    <message>
        <source>Choose a commune to see its card.</source>
        <translation>Choisissez une commune pour voir sa fiche.</translation>
    </message>
    <message>
        <source>{0} — Petites Villes de demain</source>
        <translation>{0} — Petites Villes de demain</translation>
    </message>
    <message>
        <source>No commune matches this text.</source>
        <translation>Aucune commune ne correspond à ce texte.</translation>
    </message>
    <message>
        <source>Reading the commune card…</source>
        <translation>Lecture de la fiche de la commune…</translation>
    </message>
    <message>
        <source>INSEE {0}</source>
        <translation>INSEE {0}</translation>
    </message>
    <message>
        <source>{0} inhabitants</source>
        <translation>{0} habitants</translation>
    </message>
    <message>
        <source>Choose the commune of the visit.</source>
        <translation>Choisissez la commune de la visite.</translation>
    </message>
    <message>
        <source>The list of communes is still loading: wait a moment, then pick it.</source>
        <translation>La liste des communes est encore en cours de chargement&#xa0;: patientez un instant, puis choisissez la commune.</translation>
    </message>
    <message>
        <source>Unknown commune: “{0}”. Type a few letters of its name and pick it from the list.</source>
        <translation>Commune inconnue&#xa0;: «&#xa0;{0}&#xa0;». Tapez quelques lettres de son nom et choisissez-la dans la liste.</translation>
    </message>
    <message>
        <source>No checklist or diagnostic form is available. Check the forms folder (fieldvisit forms check).</source>
        <translation>Aucun formulaire de checklist ou de diagnostic n&apos;est disponible. Vérifiez le dossier des formulaires (fieldvisit forms check).</translation>
    </message>
</context>
<context>
    <name>NotesPad</name>
    <message>
        <source>Notes typed on the spot, to be moved onto an item or an interview later</source>
        <translation>Notes prises sur le vif, à déplacer plus tard vers un élément ou un entretien</translation>
    </message>
    <message>
        <source>Quick notes</source>
        <translation>Notes rapides</translation>
    </message>
    <message>
        <source>Show moved notes</source>
        <translation>Afficher les notes déplacées</translation>
    </message>
    <message>
        <source>To an item…</source>
        <translation>Vers un élément…</translation>
    </message>
    <message>
        <source>Move the note to an item&apos;s comment</source>
        <translation>Déplacer la note dans le commentaire d&apos;un élément</translation>
    </message>
    <message>
        <source>To an interview…</source>
        <translation>Vers un entretien…</translation>
    </message>
    <message>
        <source>Move the note to an interview&apos;s notes</source>
        <translation>Déplacer la note dans les notes d&apos;un entretien</translation>
    </message>
    <message>
        <source>Observation</source>
        <translation>Observation</translation>
    </message>
    <message>
        <source>A new observation of the walk with this note as its comment (Ctrl+Shift+O: an empty one)</source>
        <translation>Une nouvelle observation du parcours, avec cette note pour commentaire (Ctrl+Maj+O&#xa0;: une observation vide)</translation>
    </message>
    <message>
        <source>New quick note</source>
        <translation>Nouvelle note rapide</translation>
    </message>
    <message>
        <source>Type a note, then Enter (Ctrl+Shift+N)</source>
        <translation>Tapez une note, puis Entrée (Ctrl+Maj+N)</translation>
    </message>
    <message>
        <source>{0} at {1}</source>
        <translation>{0} à {1}</translation>
    </message>
    <message>
        <source>{0} — already moved</source>
        <translation>{0} — déjà déplacée</translation>
    </message>
    <message>
        <source>Move the note to an item</source>
        <translation>Déplacer la note vers un élément</translation>
    </message>
    <message>
        <source>Item whose comment receives the note:</source>
        <translation>Élément dont le commentaire reçoit la note&#xa0;:</translation>
    </message>
    <message>
        <source>No interview yet</source>
        <translation>Aucun entretien pour l&apos;instant</translation>
    </message>
    <message>
        <source>This visit has no interview yet. Add one in the Interviews section, then move the note to it.</source>
        <translation>Cette visite n&apos;a pas encore d&apos;entretien. Ajoutez-en un dans la section Entretiens, puis déplacez-y la note.</translation>
    </message>
    <message>
        <source>Move the note to an interview</source>
        <translation>Déplacer la note vers un entretien</translation>
    </message>
    <message>
        <source>Interview whose notes receive the note:</source>
        <translation>Entretien dont les notes reçoivent la note&#xa0;:</translation>
    </message>
    <message>
        <source>Move to an item…</source>
        <translation>Déplacer vers un élément…</translation>
    </message>
    <message>
        <source>Move to an interview…</source>
        <translation>Déplacer vers un entretien…</translation>
    </message>
    <message>
        <source>Delete the note…</source>
        <translation>Supprimer la note…</translation>
    </message>
    <message>
        <source>Delete the note</source>
        <translation>Supprimer la note</translation>
    </message>
    <message>
        <source>Delete this quick note?

{0}</source>
        <translation>Supprimer cette note rapide&#xa0;?

{0}</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
</context>
<context>
    <name>NumberEditor</name>
    <message>
        <source>between {0} and {1}</source>
        <translation>entre {0} et {1}</translation>
    </message>
    <message>
        <source>at least {0}</source>
        <translation>au moins {0}</translation>
    </message>
    <message>
        <source>at most {0}</source>
        <translation>au plus {0}</translation>
    </message>
</context>
<context>
    <name>ObservationsPage</name>
    <message>
        <source>Observations of the walk</source>
        <translation>Observations du parcours</translation>
    </message>
    <message>
        <source>Add an observation</source>
        <translation>Ajouter une observation</translation>
    </message>
    <message>
        <source>Add an observation (Ctrl+Shift+O)</source>
        <translation>Ajouter une observation (Ctrl+Maj+O)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <source>Address or landmark</source>
        <translation>Adresse ou repère</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Commentaire</translation>
    </message>
    <message>
        <source>Photos…</source>
        <translation>Photos…</translation>
    </message>
    <message>
        <source>Create an action</source>
        <translation>Créer une action</translation>
    </message>
    <message>
        <source>Add an action to the visit&apos;s plan, linked to this observation</source>
        <translation>Ajouter une action au plan d&apos;actions de la visite, liée à cette observation</translation>
    </message>
    <message>
        <source>Import a plan…</source>
        <translation>Importer un plan…</translation>
    </message>
    <message>
        <source>An image of the town centre (plan from the mairie, map screenshot)</source>
        <translation>Une image du centre-bourg (plan de la mairie, capture d&apos;une carte)</translation>
    </message>
    <message>
        <source>Remove the pin</source>
        <translation>Retirer l&apos;épingle</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Lieu</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>Photos</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Observations</source>
        <translation>Observations</translation>
    </message>
    <message>
        <source> · on the plan</source>
        <translation> · sur le plan</translation>
    </message>
    <message>
        <source>Select or add an observation to pin it on the plan.</source>
        <translation>Sélectionnez ou ajoutez une observation pour l&apos;épingler sur le plan.</translation>
    </message>
    <message>
        <source>GPS of its photo: {0}</source>
        <translation>GPS de sa photo&#xa0;: {0}</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s)</source>
        <translation>
            <numerusform>%n photo</numerusform>
            <numerusform>%n photos</numerusform>
        </translation>
    </message>
    <message>
        <source>No photo</source>
        <translation>Aucune photo</translation>
    </message>
    <message>
        <source>No action yet</source>
        <translation>Pas encore d&apos;action</translation>
    </message>
    <message>
        <source>Import a plan to pin the observations on it.</source>
        <translation>Importez un plan pour y épingler les observations.</translation>
    </message>
    <message>
        <source>Click on the plan to pin observation {0} there.</source>
        <translation>Cliquez sur le plan pour y épingler l&apos;observation {0}.</translation>
    </message>
    <message>
        <source>Delete the observation</source>
        <translation>Supprimer l&apos;observation</translation>
    </message>
    <message>
        <source>Delete observation {0} ({1})? Its photos stay in the visit.</source>
        <translation>Supprimer l&apos;observation {0} ({1})&#xa0;? Ses photos restent dans la visite.</translation>
    </message>
    <message>
        <source>Plan of the town centre</source>
        <translation>Plan du centre-bourg</translation>
    </message>
    <message>
        <source>Images ({0})</source>
        <translation>Images ({0})</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <source>fieldvisit — passphrase</source>
        <translation>fieldvisit — phrase de passe</translation>
    </message>
    <message>
        <source>There is no system keyring on this computer: your data in {0} will be encrypted with a passphrase, asked at each start. Choose one of at least {1} characters (several words are easier to remember). Without it the data cannot be read: keep it somewhere safe.</source>
        <translation>Cet ordinateur n&apos;a pas de trousseau système : vos données dans {0} seront chiffrées par une phrase de passe, demandée à chaque démarrage. Choisissez-en une d&apos;au moins {1} caractères (plusieurs mots, c&apos;est plus facile à retenir). Sans elle, les données sont illisibles : gardez-la en lieu sûr.</translation>
    </message>
    <message>
        <source>Choose the new passphrase (at least {0} characters).</source>
        <translation>Choisissez la nouvelle phrase de passe (au moins {0} caractères).</translation>
    </message>
    <message>
        <source>Type the current passphrase of the data in {0}.</source>
        <translation>Saisissez la phrase de passe actuelle des données de {0}.</translation>
    </message>
    <message>
        <source>Your data in {0} is encrypted. Type its passphrase to open it.</source>
        <translation>Vos données dans {0} sont chiffrées. Saisissez leur phrase de passe pour les ouvrir.</translation>
    </message>
    <message>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Phrase de passe :</translation>
    </message>
    <message>
        <source>&amp;Confirm:</source>
        <translation>&amp;Confirmation :</translation>
    </message>
    <message>
        <source>Type the passphrase.</source>
        <translation>Saisissez la phrase de passe.</translation>
    </message>
    <message>
        <source>The two passphrases differ: type them again.</source>
        <translation>Les deux phrases de passe diffèrent : saisissez-les de nouveau.</translation>
    </message>
    <message>
        <source>&amp;Change passphrase…</source>
        <translation>&amp;Changer la phrase de passe…</translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <source>Page {0}</source>
        <translation>Page {0}</translation>
    </message>
</context>
<context>
    <name>PhotoEditor</name>
    <message>
        <source>Add a photo…</source>
        <translation>Ajouter une photo…</translation>
    </message>
    <message>
        <source>Add a photo: {0}</source>
        <translation>Ajouter une photo&#xa0;: {0}</translation>
    </message>
    <message>
        <source>No photo linked</source>
        <translation>Aucune photo liée</translation>
    </message>
    <message>
        <source>1 photo linked</source>
        <translation>1 photo liée</translation>
    </message>
    <message>
        <source>{0} photos linked</source>
        <translation>{0} photos liées</translation>
    </message>
</context>
<context>
    <name>PhotoLinksDialog</name>
    <message>
        <source>Link the new photos to checklist items</source>
        <translation>Lier les nouvelles photos aux éléments de la checklist</translation>
    </message>
    <message>
        <source>These photos were taken while an item of the checklist was being answered (its answer was saved within 10 minutes of the photo). Check the proposals: untick a photo or choose another item, then link them.</source>
        <translation>Ces photos ont été prises pendant qu&apos;un élément de la checklist était renseigné (sa réponse a été enregistrée à moins de 10 minutes de la photo). Vérifiez les propositions : décochez une photo ou choisissez un autre élément, puis liez-les.</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>Photo</translation>
    </message>
    <message>
        <source>Taken at</source>
        <translation>Prise le</translation>
    </message>
    <message>
        <source>Proposed item</source>
        <translation>Élément proposé</translation>
    </message>
    <message>
        <source>Item for {0}</source>
        <translation>Élément pour {0}</translation>
    </message>
    <message>
        <source>&amp;Link the ticked photos</source>
        <translation>&amp;Lier les photos cochées</translation>
    </message>
    <message>
        <source>&amp;Link nothing</source>
        <translation>&amp;Ne rien lier</translation>
    </message>
</context>
<context>
    <name>PhotoPicker</name>
    <message>
        <source>Photos of observation {0}</source>
        <translation>Photos de l&apos;observation {0}</translation>
    </message>
    <message>
        <source>Photos of the visit</source>
        <translation>Photos de la visite</translation>
    </message>
    <message>
        <source> (shows observation {0})</source>
        <translation> (montre l&apos;observation {0})</translation>
    </message>
    <message>
        <source>Import photos in the Photos section; tick here those that show it.</source>
        <translation>Importez les photos dans la section Photos, puis cochez ici celles qui la montrent.</translation>
    </message>
    <message>
        <source>This visit has no photo yet: import them in the Photos section.</source>
        <translation>Cette visite n&apos;a pas encore de photo&#xa0;: importez-les dans la section Photos.</translation>
    </message>
</context>
<context>
    <name>PhotosPage</name>
    <message>
        <source>Import photos…</source>
        <translation>Importer des photos…</translation>
    </message>
    <message>
        <source>Photos of the visit</source>
        <translation>Photos de la visite</translation>
    </message>
    <message>
        <source>Import photos (you can also drop files or folders here)</source>
        <translation>Importer des photos (vous pouvez aussi déposer ici des fichiers ou des dossiers)</translation>
    </message>
    <message>
        <source>Import a folder…</source>
        <translation>Importer un dossier…</translation>
    </message>
    <message>
        <source>Import every photo of a folder and its sub-folders (a phone&apos;s DCIM)</source>
        <translation>Importer toutes les photos d&apos;un dossier et de ses sous-dossiers (le DCIM d&apos;un téléphone)</translation>
    </message>
    <message>
        <source>No photo yet. Import photos, or drop image files or folders here.</source>
        <translation>Aucune photo pour l&apos;instant. Importez des photos, ou déposez ici des images ou des dossiers.</translation>
    </message>
    <message>
        <source>Selected photo</source>
        <translation>Photo sélectionnée</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>Légende</translation>
    </message>
    <message>
        <source>What the photo shows</source>
        <translation>Ce que montre la photo</translation>
    </message>
    <message>
        <source>&amp;Annotate…</source>
        <translation>&amp;Annoter…</translation>
    </message>
    <message>
        <source>Draw arrows, circles, rectangles and texts (the original is kept)</source>
        <translation>Dessiner flèches, cercles, rectangles et textes (l&apos;original est conservé)</translation>
    </message>
    <message>
        <source>&amp;Export a copy…</source>
        <translation>&amp;Exporter une copie…</translation>
    </message>
    <message>
        <source>Save a copy of the photo, without its GPS position unless the Preferences keep it</source>
        <translation>Enregistrer une copie de la photo, sans sa position GPS sauf si les Préférences la conservent</translation>
    </message>
    <message>
        <source>Link to an item…</source>
        <translation>Lier à un élément…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Open the full image in the system&apos;s viewer</source>
        <translation>Ouvrir l&apos;image complète dans la visionneuse du système</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Fichier&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Caption:</source>
        <translation>&amp;Légende&#xa0;:</translation>
    </message>
    <message>
        <source>Linked to:</source>
        <translation>Liée à&#xa0;:</translation>
    </message>
    <message>
        <source>Taken:</source>
        <translation>Prise le&#xa0;:</translation>
    </message>
    <message>
        <source>GPS:</source>
        <translation>GPS&#xa0;:</translation>
    </message>
    <message>
        <source>Annotation:</source>
        <translation>Annotation&#xa0;:</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>Photos</translation>
    </message>
    <message>
        <source>Linked to: {0}</source>
        <translation>Liée à&#xa0;: {0}</translation>
    </message>
    <message>
        <source>no item</source>
        <translation>aucun élément</translation>
    </message>
    <message>
        <source>unknown (no date in the file)</source>
        <translation>inconnue (pas de date dans le fichier)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message numerus="yes">
        <source>%n shape(s) drawn</source>
        <translation>
            <numerusform>%n forme dessinée</numerusform>
            <numerusform>%n formes dessinées</numerusform>
        </translation>
    </message>
    <message>
        <source>Import photos</source>
        <translation>Importer des photos</translation>
    </message>
    <message>
        <source>Images ({0});;All files (*)</source>
        <translation>Images ({0});;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Import a folder of photos</source>
        <translation>Importer un dossier de photos</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Listing the photos…</source>
        <translation>Recherche des photos…</translation>
    </message>
    <message>
        <source>Importing photos</source>
        <translation>Importation des photos</translation>
    </message>
    <message>
        <source>Importing photo {0} of {1}: {2}</source>
        <translation>Importation de la photo {0} sur {1}&#xa0;: {2}</translation>
    </message>
    <message numerus="yes">
        <source>… and %n other file(s) not imported (see the log).</source>
        <translation>
            <numerusform>… et %n autre fichier non importé (voir le journal).</numerusform>
            <numerusform>… et %n autres fichiers non importés (voir le journal).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) already in the visit, not imported again: </source>
        <translation>
            <numerusform>%n photo déjà dans la visite, non importée de nouveau&#xa0;: </numerusform>
            <numerusform>%n photos déjà dans la visite, non importées de nouveau&#xa0;: </numerusform>
        </translation>
    </message>
    <message>
        <source>Import cancelled: {0} of {1} files done.</source>
        <translation>Importation annulée : {0} fichiers traités sur {1}.</translation>
    </message>
    <message>
        <source>(not linked to an item)</source>
        <translation>(liée à aucun élément)</translation>
    </message>
    <message>
        <source>Link the photo to an item</source>
        <translation>Lier la photo à un élément</translation>
    </message>
    <message>
        <source>Checklist item the photo illustrates:</source>
        <translation>Élément de la checklist illustré par la photo&#xa0;:</translation>
    </message>
    <message>
        <source>Export a copy of the photo</source>
        <translation>Exporter une copie de la photo</translation>
    </message>
    <message>
        <source>No application could open {0}. The file is here: {1}</source>
        <translation>Aucune application n&apos;a pu ouvrir {0}. Le fichier se trouve ici&#xa0;: {1}</translation>
    </message>
    <message>
        <source>Delete the photo</source>
        <translation>Supprimer la photo</translation>
    </message>
    <message>
        <source>Delete the photo “{0}” from this visit?</source>
        <translation>Supprimer la photo «&#xa0;{0}&#xa0;» de cette visite&#xa0;?</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
</context>
<context>
    <name>PlanView</name>
    <message>
        <source>No plan yet: import an image of the town centre to pin observations.</source>
        <translation>Pas encore de plan&#xa0;: importez une image du centre-bourg pour y épingler les observations.</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>Langue de l&apos;interface</translation>
    </message>
    <message>
        <source>A new language applies the next time you start the application.</source>
        <translation>La nouvelle langue s&apos;appliquera au prochain démarrage de l&apos;application.</translation>
    </message>
    <message>
        <source>Author name</source>
        <translation>Nom de l&apos;auteur</translation>
    </message>
    <message>
        <source>e.g. Claire Martin (ANCT)</source>
        <translation>par ex. Claire Martin (ANCT)</translation>
    </message>
    <message>
        <source>Suggested as the author of the visits you plan.</source>
        <translation>Proposé comme auteur des visites que vous planifiez.</translation>
    </message>
    <message>
        <source>Organisation logo</source>
        <translation>Logo de l&apos;organisation</translation>
    </message>
    <message>
        <source>No logo</source>
        <translation>Aucun logo</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <source>PNG or JPEG image printed on the cover of the reports.</source>
        <translation>Image PNG ou JPEG imprimée sur la couverture des rapports.</translation>
    </message>
    <message>
        <source>Keep the GPS position of imported photos (internal report)</source>
        <translation>Conserver la position GPS des photos importées (rapport interne)</translation>
    </message>
    <message>
        <source>Also show it in the shareable report and in exported copies</source>
        <translation>La montrer aussi dans le rapport diffusable et les copies exportées</translation>
    </message>
    <message>
        <source>A position says where a person was: by default it stays in this computer&apos;s data and the internal report, and is removed from what is shared.</source>
        <translation>Une position dit où une personne se trouvait : par défaut, elle reste dans les données de cet ordinateur et le rapport interne, et elle est retirée de ce qui est partagé.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Author:</source>
        <translation>&amp;Auteur&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Logo:</source>
        <translation>&amp;Logo&#xa0;:</translation>
    </message>
    <message>
        <source>Photo location:</source>
        <translation>Position des photos&#xa0;:</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg)</source>
        <translation>Images (*.png *.jpg *.jpeg)</translation>
    </message>
</context>
<context>
    <name>PrintJob</name>
    <message>
        <source>Printing…</source>
        <extracomment>pages printed (0 when the printer could not start or the job was cancelled)</extracomment>
        <translation>Impression…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Printing page {0} of {1}…</source>
        <translation>Impression de la page {0} sur {1}…</translation>
    </message>
</context>
<context>
    <name>ProposalPanel</name>
    <message>
        <source>Proposal from the public data</source>
        <translation>Proposition d&apos;après les données publiques</translation>
    </message>
    <message>
        <source>Proposed constat</source>
        <translation>Constat proposé</translation>
    </message>
    <message>
        <source>Insert the proposal</source>
        <translation>Insérer la proposition</translation>
    </message>
    <message>
        <source>Fills the empty items of this part and adds the paragraph after what is already written: nothing typed is replaced; edit it afterwards.</source>
        <translation>Remplit les éléments vides de cette partie et ajoute le paragraphe après ce qui est déjà écrit : rien de ce qui a été saisi n&apos;est remplacé ; modifiez-le ensuite.</translation>
    </message>
    <message>
        <source>No recorded crime figures for this commune: {0}</source>
        <translation>Pas de chiffres de délinquance enregistrée pour cette commune : {0}</translation>
    </message>
    <message>
        <source>Sources: {0}. Period: {1}. Data up to {2}.</source>
        <translation>Sources : {0}. Période : {1}. Données jusqu&apos;au {2}.</translation>
    </message>
</context>
<context>
    <name>PublicDataImport</name>
    <message>
        <source>Import public data</source>
        <extracomment>at least one dataset was replaced the import ended (the summary is shown): imported files, failure messages</extracomment>
        <translation>Importer des données publiques</translation>
    </message>
    <message>
        <source>Files as published on data.gouv.fr (*.csv *.csv.gz *.gz);;All files (*)</source>
        <translation>Fichiers tels que publiés sur data.gouv.fr (*.csv *.csv.gz *.gz);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Reading the files…</source>
        <translation>Lecture des fichiers…</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>Importing {0} ({1} of {2})…</source>
        <translation>Import de {0} ({1} sur {2})…</translation>
    </message>
    <message>
        <source>That dataset is unchanged.</source>
        <translation>Ce jeu de données est inchangé.</translation>
    </message>
</context>
<context>
    <name>RatingEditor</name>
    <message>
        <source>{0}: {1} out of {2}</source>
        <translation>{0}&#xa0;: {1} sur {2}</translation>
    </message>
    <message>
        <source>(1 = lowest, {0} = highest)</source>
        <translation>(1 = le plus bas, {0} = le plus haut)</translation>
    </message>
</context>
<context>
    <name>RecommendationTableModel</name>
    <message>
        <source>Carried over</source>
        <extracomment>the row&apos;s id (None for a new, not yet saved row) True when the recommendation was carried over from the previous visit enum-valued columns and their vocabulary (labels are French data from core.domain) a new row whose creation was sent to the worker and not yet confirmed an edit was accepted in the table: (row object, field name)</extracomment>
        <translation>Reprise</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Theme</source>
        <comment>diagnostic theme of a recommendation</comment>
        <translation>Thème</translation>
    </message>
    <message>
        <source>Horizon</source>
        <comment>short, medium or long term</comment>
        <translation>Horizon</translation>
    </message>
    <message>
        <source>Owner</source>
        <comment>the &apos;porteur&apos; who carries out the action</comment>
        <translation>Porteur</translation>
    </message>
    <message>
        <source>Scheme</source>
        <comment>the &apos;dispositif&apos; the action relies on</comment>
        <translation>Dispositif</translation>
    </message>
    <message>
        <source>Due date</source>
        <translation>Échéance</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>(type the recommendation)</source>
        <translation>(saisissez la recommandation)</translation>
    </message>
    <message>
        <source>Carried over from the visit of {0}</source>
        <translation>Reprise de la visite du {0}</translation>
    </message>
    <message>
        <source>Carried over from a previous visit</source>
        <translation>Reprise d&apos;une visite précédente</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <source>Damaged database</source>
        <translation>Base de données endommagée</translation>
    </message>
    <message>
        <source>The database of this data folder is damaged or unreadable.</source>
        <translation>La base de données de ce dossier est endommagée ou illisible.</translation>
    </message>
    <message>
        <source>The newest good backup was made on {0}.</source>
        <translation>La dernière sauvegarde valide date du {0}.</translation>
    </message>
    <message numerus="yes">
        <source>Restoring it sets the damaged file aside (renamed and kept, never deleted) and adds back %n change(s) made since then, not yet sent to the server, that can still be read from the damaged file.</source>
        <translation>
            <numerusform>La restaurer met le fichier endommagé de côté (renommé et gardé, jamais supprimé) et reprend %n modification faite depuis, pas encore envoyée au serveur, encore lisible dans le fichier endommagé.</numerusform>
            <numerusform>La restaurer met le fichier endommagé de côté (renommé et gardé, jamais supprimé) et reprend %n modifications faites depuis, pas encore envoyées au serveur, encore lisibles dans le fichier endommagé.</numerusform>
        </translation>
    </message>
    <message>
        <source>Changes already sent to the server come back at the next sync.</source>
        <translation>Les modifications déjà envoyées au serveur reviendront à la prochaine synchronisation.</translation>
    </message>
    <message>
        <source>Restore the latest backup ({0})</source>
        <translation>Restaurer la dernière sauvegarde ({0})</translation>
    </message>
    <message>
        <source>No usable backup was found in {0}. Nothing was changed: keep the data folder as it is and send the log file to the support team.</source>
        <translation>Aucune sauvegarde utilisable n&apos;a été trouvée dans {0}. Rien n&apos;a été modifié : gardez le dossier de données tel quel et envoyez le fichier journal à l&apos;assistance.</translation>
    </message>
    <message>
        <source>Quit without changing anything</source>
        <translation>Quitter sans rien modifier</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Pas maintenant</translation>
    </message>
</context>
<context>
    <name>RefusedDialog</name>
    <message>
        <source>Refused changes</source>
        <extracomment>the person wants to fix a record: (visit id, workspace section) a change was discarded or sent again: the visit it belongs to (&quot;&quot; if none) the lists were (re)loaded: (refused changes, set-aside records)</extracomment>
        <translation>Modifications refusées</translation>
    </message>
    <message>
        <source>The server refused these changes for good: they are not sent again as they are. Fix the record (any change sends it again), keep a copy, send it again as it is, or give it up.</source>
        <translation>Le serveur a refusé ces modifications pour de bon : elles ne sont pas renvoyées telles quelles. Corrigez l&apos;enregistrement (toute modification le renvoie), gardez-en une copie, renvoyez-le tel quel ou abandonnez la modification.</translation>
    </message>
    <message>
        <source>No refused change: everything can be sent.</source>
        <translation>Aucune modification refusée : tout peut partir.</translation>
    </message>
    <message>
        <source>The refused values</source>
        <translation>Les valeurs refusées</translation>
    </message>
    <message>
        <source>&amp;Fix…</source>
        <translation>&amp;Corriger…</translation>
    </message>
    <message>
        <source>Open the record: any change sends it again</source>
        <translation>Ouvrir l&apos;enregistrement : toute modification le renvoie</translation>
    </message>
    <message>
        <source>Keep a &amp;copy…</source>
        <translation>Garder une &amp;copie…</translation>
    </message>
    <message>
        <source>Send &amp;again as it is</source>
        <translation>&amp;Renvoyer tel quel</translation>
    </message>
    <message>
        <source>&amp;Give it up…</source>
        <translation>&amp;Abandonner…</translation>
    </message>
    <message>
        <source>Received from the server, set aside here</source>
        <translation>Reçus du serveur, mis de côté ici</translation>
    </message>
    <message>
        <source>Records set aside</source>
        <translation>Enregistrements mis de côté</translation>
    </message>
    <message>
        <source>This computer cannot apply these records (a value it does not know, a missing visit…); everything else was applied. They are tried again at each sync. Tell your administrator if they stay.</source>
        <translation>Cet ordinateur ne peut pas appliquer ces enregistrements (une valeur qu&apos;il ne connaît pas, une visite absente…) ; tout le reste a été appliqué. Ils sont réessayés à chaque synchronisation. Prévenez votre administrateur s&apos;ils restent.</translation>
    </message>
    <message numerus="yes">
        <source>Refused changes (%n)</source>
        <translation>
            <numerusform>Modifications refusées (%n)</numerusform>
            <numerusform>Modifications refusées (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>{0} ({1}), {2}</source>
        <translation>{0} ({1}), {2}</translation>
    </message>
    <message>
        <source>{0} {1} (version {2}): {3}</source>
        <translation>{0} {1} (version {2}) : {3}</translation>
    </message>
    <message>
        <source>— sent by {0}</source>
        <translation>— envoyé par {0}</translation>
    </message>
    <message>
        <source>Kept back by this computer on {0} (the server would refuse it):</source>
        <translation>Retenue par cet ordinateur le {0} (le serveur la refuserait) :</translation>
    </message>
    <message>
        <source>Refused by the server on {0}:</source>
        <translation>Refusée par le serveur le {0} :</translation>
    </message>
    <message numerus="yes">
        <source>This record never reached the server: it is removed from this computer, with %n record(s) that depend on it.</source>
        <translation>
            <numerusform>Le serveur n&apos;a jamais eu cet enregistrement : il est retiré de cet ordinateur, avec %n enregistrement qui en dépend.</numerusform>
            <numerusform>Le serveur n&apos;a jamais eu cet enregistrement : il est retiré de cet ordinateur, avec %n enregistrements qui en dépendent.</numerusform>
        </translation>
    </message>
    <message>
        <source>Back to the server&apos;s version of the record</source>
        <translation>Retour à la version du serveur de l&apos;enregistrement</translation>
    </message>
    <message>
        <source>(deletion of the record)</source>
        <translation>(suppression de l&apos;enregistrement)</translation>
    </message>
    <message numerus="yes">
        <source>… (%n character(s) in all: keep a copy to have everything)</source>
        <translation>
            <numerusform>… (%n caractère en tout : gardez une copie pour tout avoir)</numerusform>
            <numerusform>… (%n caractères en tout : gardez une copie pour tout avoir)</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy written: {0}</source>
        <translation>Copie écrite : {0}</translation>
    </message>
    <message>
        <source>It will be sent again at the next sync.</source>
        <translation>Elle sera renvoyée à la prochaine synchronisation.</translation>
    </message>
    <message numerus="yes">
        <source>The server never had this record: giving the change up removes it from this computer, with %n record(s) that depend on it. Keep a copy first if you may need what it says.</source>
        <translation>
            <numerusform>Le serveur n&apos;a jamais eu cet enregistrement : abandonner la modification le retire de cet ordinateur, avec %n enregistrement qui en dépend. Gardez-en d&apos;abord une copie si son contenu peut servir.</numerusform>
            <numerusform>Le serveur n&apos;a jamais eu cet enregistrement : abandonner la modification le retire de cet ordinateur, avec %n enregistrements qui en dépendent. Gardez-en d&apos;abord une copie si son contenu peut servir.</numerusform>
        </translation>
    </message>
    <message>
        <source>The record goes back to the server&apos;s version; your change is lost. Keep a copy first if you may need it.</source>
        <translation>L&apos;enregistrement revient à la version du serveur ; votre modification est perdue. Gardez-en d&apos;abord une copie si elle peut servir.</translation>
    </message>
    <message>
        <source>Give the change up?</source>
        <translation>Abandonner la modification ?</translation>
    </message>
    <message>
        <source>Change given up.</source>
        <translation>Modification abandonnée.</translation>
    </message>
    <message>
        <source>Keep a copy of the refused change</source>
        <translation>Garder une copie de la modification refusée</translation>
    </message>
    <message>
        <source>Text (*.txt)</source>
        <translation>Texte (*.txt)</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>The PDF visit report (internal and shareable versions, preview and printing) arrives with a later version of the application. Everything entered in the other sections will be in it.</source>
        <translation>Le rapport de visite en PDF (versions interne et partageable, aperçu et impression) arrive avec une prochaine version de l&apos;application. Tout ce qui est saisi dans les autres sections y figurera.</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Rapport</translation>
    </message>
</context>
<context>
    <name>ReportView</name>
    <message>
        <source>Internal (restricted distribution)</source>
        <translation>Interne (diffusion restreinte)</translation>
    </message>
    <message>
        <source>Shareable (without confidential items)</source>
        <translation>Partageable (sans les éléments confidentiels)</translation>
    </message>
    <message>
        <source>Generate preview</source>
        <translation>Générer l&apos;aperçu</translation>
    </message>
    <message>
        <source>Photos for the report: %v / %m</source>
        <translation>Photos du rapport&#xa0;: %v / %m</translation>
    </message>
    <message>
        <source>The photos are being prepared for the report, in the background.</source>
        <translation>Les photos sont préparées pour le rapport, en arrière-plan.</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Imprimer…</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>Enregistrer le PDF…</translation>
    </message>
    <message>
        <source>Open in viewer</source>
        <translation>Ouvrir dans le lecteur PDF</translation>
    </message>
    <message>
        <source>Save as Word…</source>
        <translation>Enregistrer au format Word…</translation>
    </message>
    <message>
        <source>The report of the chosen version as an editable Word document (.docx)</source>
        <translation>Le rapport de la version choisie en document Word modifiable (.docx)</translation>
    </message>
    <message>
        <source>Issue the report</source>
        <translation>Émettre le rapport</translation>
    </message>
    <message>
        <source>Reprint the issued report</source>
        <translation>Réimprimer le rapport émis</translation>
    </message>
    <message>
        <source>Print a blank form…</source>
        <translation>Imprimer une grille vierge…</translation>
    </message>
    <message>
        <source>An empty form with boxes and lines, to fill in by hand on site</source>
        <translation>Un formulaire vide, avec cases et lignes, à remplir à la main sur place</translation>
    </message>
    <message>
        <source>Issued reports</source>
        <translation>Rapports émis</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Show the chosen issued report as it was sent</source>
        <translation>Afficher le rapport émis choisi, tel qu&apos;il a été envoyé</translation>
    </message>
    <message>
        <source>Save a copy…</source>
        <translation>Enregistrer une copie…</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Version&#xa0;:</translation>
    </message>
    <message>
        <source> by {0}</source>
        <translation> par {0}</translation>
    </message>
    <message>
        <source>Version {0} — issued on {1}{2} — {3}</source>
        <translation>Version {0} — émis le {1}{2} — {3}</translation>
    </message>
    <message>
        <source>Report issued on {0}.</source>
        <translation>Rapport émis le {0}.</translation>
    </message>
    <message>
        <source>Report issued on {0} ({1})</source>
        <translation>Rapport émis le {0} ({1})</translation>
    </message>
    <message>
        <source>The report was issued, but the issued PDF is not on this computer: synchronise to get it.</source>
        <translation>Le rapport a été émis, mais le PDF émis n&apos;est pas sur cet ordinateur&#xa0;: synchronisez pour le récupérer.</translation>
    </message>
    <message>
        <source>The report can be issued once the visit is completed.</source>
        <translation>Le rapport peut être émis une fois la visite terminée.</translation>
    </message>
    <message>
        <source>Blank form « {0} »</source>
        <translation>Grille vierge «&#xa0;{0}&#xa0;»</translation>
    </message>
    <message>
        <source>Generating the PDF…</source>
        <translation>Génération du PDF…</translation>
    </message>
    <message>
        <source>The PDF could not be displayed ({0}).</source>
        <translation>Le PDF n&apos;a pas pu être affiché ({0}).</translation>
    </message>
    <message>
        <source>{0} — {1} pages</source>
        <translation>{0} — {1} pages</translation>
    </message>
    <message>
        <source>Printing cancelled.</source>
        <translation>Impression annulée.</translation>
    </message>
    <message>
        <source>The printer could not be started: nothing was printed.</source>
        <translation>L&apos;imprimante n&apos;a pas pu démarrer&#xa0;: rien n&apos;a été imprimé.</translation>
    </message>
    <message>
        <source>{0} pages sent to the printer.</source>
        <translation>{0} pages envoyées à l&apos;imprimante.</translation>
    </message>
    <message>
        <source>Save the PDF</source>
        <translation>Enregistrer le PDF</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>Documents PDF (*.pdf)</translation>
    </message>
    <message>
        <source>PDF saved: {0}</source>
        <translation>PDF enregistré&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Save as Word</source>
        <translation>Enregistrer au format Word</translation>
    </message>
    <message>
        <source>Word documents (*.docx)</source>
        <translation>Documents Word (*.docx)</translation>
    </message>
    <message>
        <source>Writing the Word document…</source>
        <translation>Écriture du document Word…</translation>
    </message>
    <message>
        <source>Word document saved: {0}</source>
        <translation>Document Word enregistré : {0}</translation>
    </message>
    <message>
        <source>No application could open {0}. The file is here: {1}</source>
        <translation>Aucune application n&apos;a pu ouvrir {0}. Le fichier se trouve ici&#xa0;: {1}</translation>
    </message>
    <message>
        <source>Issued report</source>
        <translation>Rapport émis</translation>
    </message>
    <message>
        <source>Save a copy of the issued report</source>
        <translation>Enregistrer une copie du rapport émis</translation>
    </message>
    <message>
        <source>Issued report of {0}</source>
        <translation>Rapport émis de {0}</translation>
    </message>
</context>
<context>
    <name>SaveNotice</name>
    <message>
        <source>The disk is full: your latest changes are not saved yet. They stay on screen and will be saved as soon as there is room again (tried every 5 seconds). Free some space: delete or move files you do not need.</source>
        <translation>Le disque est plein : vos dernières modifications ne sont pas encore enregistrées. Elles restent à l&apos;écran et seront enregistrées dès qu&apos;il y aura de nouveau de la place (nouvel essai toutes les 5 secondes). Libérez de la place : supprimez ou déplacez des fichiers inutiles.</translation>
    </message>
    <message>
        <source>The database is being used by another program (fieldvisit opened twice?): your latest changes are not saved yet. They stay on screen and will be saved as soon as it is free.</source>
        <translation>La base de données est occupée par un autre programme (fieldvisit ouvert deux fois ?) : vos dernières modifications ne sont pas encore enregistrées. Elles restent à l&apos;écran et seront enregistrées dès qu&apos;elle sera libre.</translation>
    </message>
    <message>
        <source>Disk full: changes not saved</source>
        <translation>Disque plein : modifications non enregistrées</translation>
    </message>
    <message>
        <source>Database busy: changes not saved</source>
        <translation>Base occupée : modifications non enregistrées</translation>
    </message>
    <message>
        <source>Changes saved.</source>
        <translation>Modifications enregistrées.</translation>
    </message>
    <message>
        <source>Changes not saved yet</source>
        <translation>Modifications pas encore enregistrées</translation>
    </message>
    <message>
        <source>Changes not saved</source>
        <translation>Modifications non enregistrées</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) could not be saved: </source>
        <translation>
            <numerusform>%n modification n&apos;a pas pu être enregistrée : </numerusform>
            <numerusform>%n modifications n&apos;ont pas pu être enregistrées : </numerusform>
        </translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Close without saving them</source>
        <translation>Fermer sans les enregistrer</translation>
    </message>
</context>
<context>
    <name>SectionBox</name>
    <message>
        <source>Progress of the section {0}</source>
        <translation>Avancement de la section {0}</translation>
    </message>
    <message>
        <source>Entered in the Observations section, one observation per place ({0} adds one). Questions of each observation: {1}.</source>
        <translation>Se saisit dans la section Observations, une observation par lieu ({0} en ajoute une). Questions de chaque observation : {1}.</translation>
    </message>
    <message>
        <source>Repeatable group, entry to come. Questions of each occurrence: {0}.</source>
        <translation>Groupe répétable, saisie à venir. Questions de chaque occurrence : {0}.</translation>
    </message>
    <message>
        <source>{0} of {1} items answered in this section</source>
        <translation>{0} éléments renseignés sur {1} dans cette section</translation>
    </message>
    <message>
        <source>{0} · themes {1}/{2}</source>
        <translation>{0} · thèmes {1}/{2}</translation>
    </message>
    <message>
        <source>{0}; {1} of {2} themes rated</source>
        <translation>{0} ; {1} thèmes évalués sur {2}</translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <source>Sync server and account</source>
        <extracomment>logged in: (user name, server URL) logged out (the token is forgotten) the previous account&apos;s data was cleared from this data dir (then signed_in)</extracomment>
        <translation>Serveur de synchronisation et compte</translation>
    </message>
    <message>
        <source>Your visits are kept on this computer and exchanged with your organisation&apos;s server when a network is available.</source>
        <translation>Vos visites restent sur cet ordinateur et sont échangées avec le serveur de votre organisation dès qu&apos;un réseau est disponible.</translation>
    </message>
    <message>
        <source>https://sync.example.org</source>
        <translation>https://synchro.exemple.fr</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Adresse du serveur</translation>
    </message>
    <message>
        <source>Only if your organisation gave you one</source>
        <translation>Seulement si votre organisation vous en a fourni un</translation>
    </message>
    <message>
        <source>Certificate authority file</source>
        <translation>Fichier de l&apos;autorité de certification</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Nom d&apos;utilisateur</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Serveur :</translation>
    </message>
    <message>
        <source>&amp;Certificate authority (CA):</source>
        <translation>&amp;Autorité de certification (CA) :</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Nom d&apos;utilisateur :</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <source>Use a &amp;separate data folder…</source>
        <translation>Utiliser un dossier de données &amp;séparé…</translation>
    </message>
    <message>
        <source>Sign &amp;in</source>
        <translation>Se &amp;connecter</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Se &amp;déconnecter</translation>
    </message>
    <message>
        <source>Reading the current settings…</source>
        <translation>Lecture des réglages actuels…</translation>
    </message>
    <message>
        <source>This data folder is tied to this server. To use another server, start fieldvisit with another data folder.</source>
        <translation>Ce dossier de données est lié à ce serveur. Pour un autre serveur, lancez fieldvisit avec un autre dossier de données.</translation>
    </message>
    <message>
        <source>Signed in as {0} on {1}.</source>
        <translation>Connecté en tant que {0} sur {1}.</translation>
    </message>
    <message>
        <source>Not signed in ({0} on {1}): type your password to sign in again.</source>
        <translation>Non connecté ({0} sur {1}) : saisissez votre mot de passe pour vous reconnecter.</translation>
    </message>
    <message>
        <source>Not signed in to any server yet.</source>
        <translation>Connecté à aucun serveur pour l&apos;instant.</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Certificats (*.pem *.crt *.cer);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Type the server&apos;s address, e.g. https://sync.example.org.</source>
        <translation>Saisissez l&apos;adresse du serveur, par exemple https://synchro.exemple.fr.</translation>
    </message>
    <message>
        <source>Type your user name.</source>
        <translation>Saisissez votre nom d&apos;utilisateur.</translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation>Saisissez votre mot de passe.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>all territories</source>
        <translation>tous les territoires</translation>
    </message>
    <message>
        <source>no territory</source>
        <translation>aucun territoire</translation>
    </message>
    <message>
        <source>Signed in as {0} ({1}; {2}). The first sync starts now.</source>
        <translation>Connecté en tant que {0} ({1} ; {2}). La première synchronisation commence.</translation>
    </message>
    <message>
        <source>&amp;Clear {0}&apos;s data from this computer…</source>
        <translation>&amp;Effacer les données de {0} de cet ordinateur…</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not recognised: the connection was refused to protect your password. Check the address; if your organisation uses its own certificate authority, choose its file (CA) above.</source>
        <translation>Le certificat du serveur n&apos;est pas reconnu : la connexion a été refusée pour protéger votre mot de passe. Vérifiez l&apos;adresse ; si votre organisation a sa propre autorité de certification, choisissez son fichier (CA) ci-dessus.</translation>
    </message>
    <message>
        <source>Cannot reach the server at {0}. Check the address and the network connection, then try again.</source>
        <translation>Impossible de joindre le serveur {0}. Vérifiez l&apos;adresse et la connexion réseau, puis réessayez.</translation>
    </message>
    <message>
        <source>No fieldvisit server answers at {0}: check the address (ask your administrator for it).</source>
        <translation>Aucun serveur fieldvisit ne répond à l&apos;adresse {0} : vérifiez-la (votre administrateur vous la donnera).</translation>
    </message>
    <message>
        <source>Signing in failed unexpectedly: {0}</source>
        <translation>La connexion a échoué de façon inattendue : {0}</translation>
    </message>
    <message>
        <source>The visits, photos, history and backups of {0} will be removed from this computer (they stay on the server: everything was sent). Then {1} signs in and gets their own visits. Clear {0}&apos;s data?</source>
        <translation>Les visites, photos, historiques et sauvegardes de {0} seront effacés de cet ordinateur (ils restent sur le serveur : tout a été envoyé). Puis {1} se connecte et reçoit ses propres visites. Effacer les données de {0} ?</translation>
    </message>
    <message>
        <source>Clear the previous account&apos;s data?</source>
        <translation>Effacer les données du compte précédent ?</translation>
    </message>
    <message>
        <source>This is the data folder in use: choose another (new, empty) one.</source>
        <translation>C&apos;est le dossier de données utilisé : choisissez-en un autre (nouveau, vide).</translation>
    </message>
    <message>
        <source>fieldvisit could not be started on {0}.</source>
        <translation>fieldvisit n&apos;a pas pu être lancé sur {0}.</translation>
    </message>
    <message>
        <source>A new fieldvisit window opens on {0}: sign in there as {1}. Start fieldvisit with --data-dir {0} to use it again.</source>
        <translation>Une nouvelle fenêtre fieldvisit s&apos;ouvre sur {0} : connectez-vous-y en tant que {1}. Lancez fieldvisit avec --data-dir {0} pour la retrouver.</translation>
    </message>
    <message>
        <source>A separate data folder for this account</source>
        <translation>Un dossier de données séparé pour ce compte</translation>
    </message>
    <message>
        <source>Signing out…</source>
        <translation>Déconnexion…</translation>
    </message>
    <message>
        <source>Signed out: this computer no longer holds a session. Your data stays here; changes not yet sent will go at your next sign in.</source>
        <translation>Déconnecté : cet ordinateur ne garde plus de session. Vos données restent ici ; les modifications pas encore envoyées partiront à votre prochaine connexion.</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>New visit</source>
        <translation>Nouvelle visite</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>Search the visits</source>
        <translation>Rechercher dans les visites</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Synchroniser maintenant</translation>
    </message>
    <message>
        <source>Keyboard shortcuts (this list)</source>
        <translation>Raccourcis clavier (cette liste)</translation>
    </message>
    <message>
        <source>Action tracking: every action of every visit</source>
        <translation>Suivi des actions : toutes les actions de toutes les visites</translation>
    </message>
    <message>
        <source>Territory dashboard</source>
        <translation>Tableau de bord du territoire</translation>
    </message>
    <message>
        <source>Next section</source>
        <translation>Section suivante</translation>
    </message>
    <message>
        <source>Previous section</source>
        <translation>Section précédente</translation>
    </message>
    <message>
        <source>Next unanswered required item</source>
        <translation>Élément obligatoire suivant sans réponse</translation>
    </message>
    <message>
        <source>Back to the visit list</source>
        <translation>Retour à la liste des visites</translation>
    </message>
    <message>
        <source>Type a quick note</source>
        <translation>Saisir une note rapide</translation>
    </message>
    <message>
        <source>Add a recommendation to the action plan</source>
        <translation>Ajouter une recommandation au plan d&apos;actions</translation>
    </message>
    <message>
        <source>Add an observation of the walk</source>
        <translation>Ajouter une observation du parcours</translation>
    </message>
    <message>
        <source>Sign the report on screen (the next signer)</source>
        <translation>Signer le rapport à l&apos;écran (le signataire suivant)</translation>
    </message>
    <message>
        <source>History of the focused item, recommendation or interview</source>
        <translation>Historique de l&apos;élément, de la recommandation ou de l&apos;entretien sélectionné</translation>
    </message>
    <message>
        <source>On a required item: answer « data unavailable », with a reason</source>
        <translation>Sur un élément obligatoire : répondre « Donnée indisponible », avec la raison</translation>
    </message>
    <message>
        <source>In the action plan: add a recommendation</source>
        <translation>Dans le plan d&apos;actions : ajouter une recommandation</translation>
    </message>
    <message>
        <source>In the action plan: details of the selected action (schemes, named lead, cost and funding, indicator, review date)</source>
        <translation>Dans le plan d&apos;actions : détails de l&apos;action choisie (dispositifs, porteur nommé, coût et financement, indicateur, date de revue)</translation>
    </message>
    <message>
        <source>Delete the selected visit or recommendation</source>
        <translation>Supprimer la visite ou la recommandation sélectionnée</translation>
    </message>
    <message>
        <source>In the action plan: save the cell being edited</source>
        <translation>Dans le plan d&apos;actions : enregistrer la cellule en cours</translation>
    </message>
    <message>
        <source>In an action&apos;s text: new line</source>
        <translation>Dans le texte d&apos;une action : retour à la ligne</translation>
    </message>
    <message>
        <source>In the action plan: save the cell and edit the next one</source>
        <translation>Dans le plan d&apos;actions : enregistrer la cellule et modifier la suivante</translation>
    </message>
    <message>
        <source>In the quick notes: add the note typed</source>
        <translation>Dans les notes rapides : ajouter la note saisie</translation>
    </message>
    <message>
        <source>Anywhere in the window</source>
        <translation>Partout dans la fenêtre</translation>
    </message>
    <message>
        <source>In an open visit, whatever has the focus</source>
        <translation>Dans une visite ouverte, où que soit le curseur</translation>
    </message>
    <message>
        <source>Where the focus is</source>
        <translation>Là où se trouve le curseur</translation>
    </message>
</context>
<context>
    <name>SignatureDialog</name>
    <message>
        <source>Signature — {0}</source>
        <translation>Signature — {0}</translation>
    </message>
    <message>
        <source>Signer&apos;s name</source>
        <translation>Nom du signataire</translation>
    </message>
    <message>
        <source>Signer (&amp;name):</source>
        <translation>Signataire (&amp;nom) :</translation>
    </message>
    <message>
        <source>Sign in the box with the mouse, a pen or a finger.</source>
        <translation>Signez dans le cadre à la souris, au stylet ou au doigt.</translation>
    </message>
    <message>
        <source>&amp;Clear</source>
        <translation>&amp;Effacer</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <source>Signature pad: sign with the mouse, a pen or a finger</source>
        <extracomment>the drawing changed (a stroke ended, or it was cleared)</extracomment>
        <translation>Cadre de signature : signez à la souris, au stylet ou au doigt</translation>
    </message>
</context>
<context>
    <name>SyncConflicts</name>
    <message>
        <source>Deleted</source>
        <translation>Supprimé</translation>
    </message>
    <message>
        <source>Kept (and changed)</source>
        <translation>Conservé (et modifié)</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(vide)</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Oui</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Non</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <source>Sync progress</source>
        <extracomment>the person clicked the state: sync now (or sign in) the person clicked the conflicts count the person clicked the refused changes count</extracomment>
        <translation>Avancement de la synchronisation</translation>
    </message>
    <message>
        <source>Both you and someone else changed the same thing: choose what to keep.</source>
        <translation>Vous et une autre personne avez modifié la même chose : choisissez ce qu&apos;il faut garder.</translation>
    </message>
    <message>
        <source>The server refused these changes: they are not sent again as they are. Click to fix them, keep a copy or give them up.</source>
        <translation>Le serveur a refusé ces modifications : elles ne sont pas renvoyées telles quelles. Cliquez pour les corriger, en garder une copie ou les abandonner.</translation>
    </message>
    <message>
        <source>{0}: {1}/{2}</source>
        <translation>{0} : {1}/{2}</translation>
    </message>
    <message>
        <source>Sync not set up</source>
        <translation>Synchronisation non configurée</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Hors ligne</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Synchronisation…</translation>
    </message>
    <message>
        <source>Up to date</source>
        <translation>À jour</translation>
    </message>
    <message>
        <source>Sync error</source>
        <translation>Erreur de synchronisation</translation>
    </message>
    <message>
        <source>server restored from a backup: changes sent again</source>
        <translation>serveur restauré depuis une sauvegarde : modifications renvoyées</translation>
    </message>
    <message numerus="yes">
        <source>%n attached file(s) not sent</source>
        <translation>
            <numerusform>%n fichier joint non envoyé</numerusform>
            <numerusform>%n fichiers joints non envoyés</numerusform>
        </translation>
    </message>
    <message>
        <source>Sending attached files</source>
        <translation>Envoi des fichiers joints</translation>
    </message>
    <message>
        <source>Receiving changes</source>
        <translation>Réception des modifications</translation>
    </message>
    <message>
        <source>Sending changes</source>
        <translation>Envoi des modifications</translation>
    </message>
    <message>
        <source>No sync server yet: Sync → Server and account…</source>
        <translation>Pas encore de serveur de synchronisation : Synchronisation → Serveur et compte…</translation>
    </message>
    <message>
        <source>Sign in again: Sync → Server and account…</source>
        <translation>Reconnectez-vous : Synchronisation → Serveur et compte…</translation>
    </message>
    <message>
        <source>The server cannot be reached. Your changes stay on this computer and will be sent at the next sync.</source>
        <translation>Le serveur n&apos;est pas joignable. Vos modifications restent sur cet ordinateur et partiront à la prochaine synchronisation.</translation>
    </message>
    <message>
        <source>Click to sync now (Ctrl+Shift+S)</source>
        <translation>Cliquez pour synchroniser maintenant (Ctrl+Maj+S)</translation>
    </message>
    <message>
        <source>last sync {0}</source>
        <translation>dernière synchronisation {0}</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting to be sent</source>
        <translation>
            <numerusform>%n modification en attente d&apos;envoi</numerusform>
            <numerusform>%n modifications en attente d&apos;envoi</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n conflit</numerusform>
            <numerusform>%n conflits</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n refused change(s)</source>
        <translation>
            <numerusform>%n modification refusée</numerusform>
            <numerusform>%n modifications refusées</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n received record(s) set aside</source>
        <translation>
            <numerusform>%n reçu mis de côté</numerusform>
            <numerusform>%n reçus mis de côté</numerusform>
        </translation>
    </message>
    <message>
        <source>today at {0}</source>
        <translation>aujourd&apos;hui à {0}</translation>
    </message>
    <message>
        <source>yesterday at {0}</source>
        <translation>hier à {0}</translation>
    </message>
    <message>
        <source>on {0} at {1}</source>
        <translation>le {0} à {1}</translation>
    </message>
</context>
<context>
    <name>SyncUi</name>
    <message>
        <source>&amp;Sync now</source>
        <extracomment>After the window is shown and its visit list is complete (`install_sync`&apos;s `after`): the first round&apos;s thread imports the sync modules (the ORM, pydantic, httpx), which would otherwise share Python&apos;s lock, and the peak of memory, with the worker reading every visit (docs/PERFORMANCE.md, &quot;Desktop app&quot;). The first round waits for the visit list at most this long after the show (a list that could not be read must not keep the laptop from syncing).</extracomment>
        <translation>&amp;Synchroniser</translation>
    </message>
    <message>
        <source>Exchange your changes with the server now (Ctrl+Shift+S or F5).</source>
        <translation>Échanger maintenant vos modifications avec le serveur (Ctrl+Maj+S ou F5).</translation>
    </message>
    <message>
        <source>Sync &amp;conflicts…</source>
        <translation>&amp;Conflits de synchronisation…</translation>
    </message>
    <message>
        <source>&amp;Refused changes…</source>
        <translation>&amp;Modifications refusées…</translation>
    </message>
    <message>
        <source>Server and &amp;account…</source>
        <translation>S&amp;erveur et compte…</translation>
    </message>
    <message>
        <source>S&amp;ync</source>
        <translation>S&amp;ynchronisation</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Synchronisation</translation>
    </message>
    <message>
        <source>A sync is already running.</source>
        <translation>Une synchronisation est déjà en cours.</translation>
    </message>
    <message numerus="yes">
        <source>Sync &amp;conflicts (%n)…</source>
        <translation>
            <numerusform>&amp;Conflits de synchronisation (%n)…</numerusform>
            <numerusform>&amp;Conflits de synchronisation (%n)…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TextLimit</name>
    <message>
        <source>{0} / {1} characters</source>
        <translation>{0} / {1} caractères</translation>
    </message>
    <message>
        <source>Limit of {0} characters reached: nothing more is added. Shorten the text to add to it.</source>
        <translation>Limite de {0} caractères atteinte : rien de plus n&apos;est ajouté. Raccourcissez le texte pour y ajouter.</translation>
    </message>
    <message>
        <source>Paste refused: these {0} characters would take the text {1} characters over the limit of {2}. Nothing was pasted; it is still on the clipboard.</source>
        <translation>Collage refusé : ces {0} caractères mettraient le texte {1} caractères au-delà de la limite de {2}. Rien n&apos;a été collé ; le texte reste dans le presse-papiers.</translation>
    </message>
    <message>
        <source>This text has {0} characters, more than the limit of {1}: it cannot be synced until it is shortened. Nothing of it is lost.</source>
        <translation>Ce texte compte {0} caractères, plus que la limite de {1} : il ne peut pas être synchronisé tant qu&apos;il n&apos;est pas raccourci. Rien n&apos;en est perdu.</translation>
    </message>
</context>
<context>
    <name>ThemeRow</name>
    <message>
        <source>Level of concern: {0}</source>
        <translation>Niveau de préoccupation&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Observations…</source>
        <translation>Observations…</translation>
    </message>
    <message>
        <source>Observations: {0}</source>
        <translation>Observations&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Visit of {0}: {1}</source>
        <translation>Visite du {0}&#xa0;: {1}</translation>
    </message>
</context>
<context>
    <name>TrackingUi</name>
    <message>
        <source>&amp;Action tracking</source>
        <translation>&amp;Suivi des actions</translation>
    </message>
    <message>
        <source>Every action of every visit: filters, late actions, bulk changes</source>
        <translation>Toutes les actions de toutes les visites : filtres, retards, modifications groupées</translation>
    </message>
    <message>
        <source>&amp;Territory dashboard</source>
        <translation>&amp;Tableau de bord du territoire</translation>
    </message>
    <message>
        <source>The communes of your territories, their visits, actions and diagnostic</source>
        <translation>Les communes de vos territoires : visites, actions et diagnostic</translation>
    </message>
    <message>
        <source>Dashboard saved: %1</source>
        <translation>Tableau de bord enregistré : %1</translation>
    </message>
</context>
<context>
    <name>UnavailableDialog</name>
    <message>
        <source>Data unavailable</source>
        <translation>Donnée indisponible</translation>
    </message>
    <message>
        <source>Why is the data of « {0} » unavailable?</source>
        <translation>Pourquoi la donnée de « {0} » est-elle indisponible ?</translation>
    </message>
    <message>
        <source>Reason the data is unavailable</source>
        <translation>Raison de l&apos;indisponibilité de la donnée</translation>
    </message>
    <message>
        <source>e.g. not published for the commune, figure not provided by the mairie</source>
        <translation>p. ex. non publiée pour la commune, chiffre non communiqué par la mairie</translation>
    </message>
    <message>
        <source>A reason is required.</source>
        <translation>Une raison est obligatoire.</translation>
    </message>
    <message>
        <source>The item then counts as answered. Answering it normally undoes this.</source>
        <translation>L&apos;élément compte alors comme renseigné. Y répondre normalement annule l&apos;indisponibilité.</translation>
    </message>
</context>
<context>
    <name>VisitListModel</name>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Département</source>
        <translation>Département</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Avancement</translation>
    </message>
</context>
<context>
    <name>VisitListPage</name>
    <message>
        <source>Search a commune, an INSEE code, an author…</source>
        <extracomment>open this visit in the workspace the person asked for the new-visit dialog a visit was just planned here (a follow-up): open it on its first section how many visits the data dir holds, known as soon as the first rows are shown every visit is in the list (after each reload); their number the selected visit changed (&quot;&quot; when none) a short message for the status bar</extracomment>
        <translation>Rechercher une commune, un code INSEE, un auteur…</translation>
    </message>
    <message>
        <source>Search visits</source>
        <translation>Rechercher des visites</translation>
    </message>
    <message>
        <source>Filter by status</source>
        <translation>Filtrer par statut</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>Filter by département</source>
        <translation>Filtrer par département</translation>
    </message>
    <message>
        <source>All départements</source>
        <translation>Tous les départements</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>Filter from a date</source>
        <translation>Filtrer à partir d&apos;une date</translation>
    </message>
    <message>
        <source>Visits from</source>
        <translation>Visites à partir du</translation>
    </message>
    <message>
        <source>to</source>
        <translation>au</translation>
    </message>
    <message>
        <source>Filter up to a date</source>
        <translation>Filtrer jusqu&apos;à une date</translation>
    </message>
    <message>
        <source>Visits up to</source>
        <translation>Visites jusqu&apos;au</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Effacer les filtres</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Visites</translation>
    </message>
    <message>
        <source>No visit matches the search and filters.</source>
        <translation>Aucune visite ne correspond à la recherche et aux filtres.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>Visite de suivi</translation>
    </message>
    <message>
        <source>Plan a follow-up visit of this commune, with its open recommendations.</source>
        <translation>Planifie une visite de suivi de cette commune, avec ses recommandations en cours.</translation>
    </message>
    <message>
        <source>Follow-up visit planned.</source>
        <translation>Visite de suivi planifiée.</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>New visit</source>
        <translation>Nouvelle visite</translation>
    </message>
    <message>
        <source>Showing the {0} newest visits; loading the others…</source>
        <translation>Les {0} visites les plus récentes sont affichées ; chargement des autres…</translation>
    </message>
    <message numerus="yes">
        <source>%n of {0} visit(s) shown</source>
        <translation>
            <numerusform>%n visite affichée sur {0}</numerusform>
            <numerusform>%n visites affichées sur {0}</numerusform>
        </translation>
    </message>
    <message>
        <source>Select a visit in the list first.</source>
        <translation>Sélectionnez d&apos;abord une visite dans la liste.</translation>
    </message>
    <message>
        <source>Delete the visit</source>
        <translation>Supprimer la visite</translation>
    </message>
    <message>
        <source>Delete the visit of {0} on {1}, with its answers, interviews, action plan and photos?</source>
        <translation>Supprimer la visite de {0} du {1}, avec ses réponses, entretiens, plan d&apos;actions et photos&#xa0;?</translation>
    </message>
    <message>
        <source>It disappears from this computer and, at the next sync, from the server.</source>
        <translation>Elle disparaît de cet ordinateur et, à la prochaine synchronisation, du serveur.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Visit deleted.</source>
        <translation>Visite supprimée.</translation>
    </message>
    <message>
        <source>Loading the demonstration data…</source>
        <translation>Chargement des données de démonstration…</translation>
    </message>
    <message numerus="yes">
        <source>%n demonstration visit(s) added.</source>
        <translation>
            <numerusform>%n visite de démonstration ajoutée.</numerusform>
            <numerusform>%n visites de démonstration ajoutées.</numerusform>
        </translation>
    </message>
    <message>
        <source>The demonstration visits are already there.</source>
        <translation>Les visites de démonstration sont déjà présentes.</translation>
    </message>
</context>
<context>
    <name>VisitWorkspace</name>
    <message>
        <source>Visits</source>
        <extracomment>what the header shows: the visit&apos;s facts and its progress (screens/header.py) the person asked to go back to the visit list a visit was opened (also from inside: the link to a follow-up&apos;s previous visit) pages to refresh when next shown, with what changed meanwhile pages (or the notes) being typed in, refreshed once the focus leaves them</extracomment>
        <translation>Visites</translation>
    </message>
    <message>
        <source>Back to the visit list (Alt+Left)</source>
        <translation>Retour à la liste des visites (Alt+Gauche)</translation>
    </message>
    <message>
        <source>Back to the visit list</source>
        <translation>Retour à la liste des visites</translation>
    </message>
    <message>
        <source>Answered items</source>
        <translation>Éléments renseignés</translation>
    </message>
    <message>
        <source>Quick notes</source>
        <translation>Notes rapides</translation>
    </message>
    <message>
        <source>Show or hide the quick notes (Ctrl+Shift+N)</source>
        <translation>Afficher ou masquer les notes rapides (Ctrl+Maj+N)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Report issued: the visit is read-only&lt;/b&gt;, as the report sent.&lt;br&gt;To change it, reopen it: the next report will be a new version.</source>
        <translation>&lt;b&gt;Rapport émis&#xa0;: visite en lecture seule&lt;/b&gt;, comme le rapport envoyé.&lt;br&gt;Pour la modifier, rouvrez-la&#xa0;: le prochain rapport en sera une nouvelle version.</translation>
    </message>
    <message>
        <source>Sections of the visit</source>
        <translation>Sections de la visite</translation>
    </message>
    <message>
        <source>Reopen the visit…</source>
        <translation>Rouvrir la visite…</translation>
    </message>
    <message>
        <source>{0} of the {1} items shown in the checklist and diagnostic are answered</source>
        <translation>{0} des {1} éléments affichés de la checklist et du diagnostic sont renseignés</translation>
    </message>
    <message>
        <source>{0} of the {1} themes of the diagnostic are rated</source>
        <translation>{0} des {1} thèmes du diagnostic sont évalués</translation>
    </message>
    <message>
        <source>Reopen the visit</source>
        <translation>Rouvrir la visite</translation>
    </message>
    <message>
        <source>The visit becomes editable again (« in progress »). The report already issued stays exactly as it was issued; the next one will be a new version.</source>
        <translation>La visite redevient modifiable («&#xa0;en cours&#xa0;»). Le rapport déjà émis reste exactement tel qu&apos;il a été émis&#xa0;; le prochain en sera une nouvelle version.</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Rouvrir</translation>
    </message>
    <message>
        <source>{0}/{1} answered</source>
        <translation>{0}/{1} renseignés</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to fieldvisit</source>
        <translation>Bienvenue dans fieldvisit</translation>
    </message>
    <message>
        <source>Prepare and record your field visits on everyday security: checklist, interviews, diagnostic and action plan, even without a network.</source>
        <translation>Préparez et consignez vos visites de terrain sur la sécurité du quotidien&#xa0;: checklist, entretiens, diagnostic et plan d&apos;actions, même sans réseau.</translation>
    </message>
    <message>
        <source>New visit</source>
        <translation>Nouvelle visite</translation>
    </message>
    <message>
        <source>Load demonstration data</source>
        <translation>Charger des données de démonstration</translation>
    </message>
    <message>
        <source>Adds a few realistic visits of Petites Villes de demain to try the app.</source>
        <translation>Ajoute quelques visites réalistes de Petites Villes de demain pour essayer l&apos;application.</translation>
    </message>
    <message>
        <source>Loading the demonstration data</source>
        <translation>Chargement des données de démonstration</translation>
    </message>
    <message>
        <source>Loading the demonstration data…</source>
        <translation>Chargement des données de démonstration…</translation>
    </message>
</context>
<context>
    <name>YesNoNaEditor</name>
    <message>
        <source>Yes</source>
        <extracomment>single_choice items with more choices than this get a combo box instead of radios a text editor lost the focus: pending autosaves should be written now</extracomment>
        <translation>Oui</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Non</translation>
    </message>
    <message>
        <source>Not applicable</source>
        <translation>Sans objet</translation>
    </message>
    <message>
        <source>Click the selected answer again, or press Delete, to clear it.</source>
        <translation>Cliquez à nouveau sur la réponse choisie, ou appuyez sur Suppr, pour l&apos;effacer.</translation>
    </message>
</context>
<context>
    <name>_SignatureSlotView</name>
    <message>
        <source>Signature: {0}</source>
        <translation>Signature : {0}</translation>
    </message>
    <message>
        <source>Sign…</source>
        <translation>Signer…</translation>
    </message>
    <message>
        <source>Sign: {0}</source>
        <translation>Signer : {0}</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Remove the signature: {0}</source>
        <translation>Retirer la signature : {0}</translation>
    </message>
    <message>
        <source>{0}, signed on {1}</source>
        <translation>{0}, signée le {1}</translation>
    </message>
    <message>
        <source>Sign again…</source>
        <translation>Signer à nouveau…</translation>
    </message>
    <message>
        <source>Not signed</source>
        <translation>Non signée</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>fieldvisit cannot start</source>
        <translation>fieldvisit ne peut pas démarrer</translation>
    </message>
    <message>
        <source>Nothing was changed in your data.</source>
        <translation>Vos données n&apos;ont pas été modifiées.</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Action not possible</source>
        <translation>Action impossible</translation>
    </message>
    <message>
        <source>Invalid input</source>
        <translation>Saisie invalide</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>Disk full</source>
        <translation>Disque plein</translation>
    </message>
    <message>
        <source>The disk is full: the last change could not be saved. Free some space and try again; nothing else was lost.</source>
        <translation>Le disque est plein&#xa0;: la dernière modification n&apos;a pas pu être enregistrée. Libérez de la place puis réessayez&#xa0;; rien d&apos;autre n&apos;a été perdu.</translation>
    </message>
    <message>
        <source>File problem</source>
        <translation>Problème de fichier</translation>
    </message>
    <message>
        <source>A file could not be read or written: {0}</source>
        <translation>Un fichier n&apos;a pas pu être lu ou écrit&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>Erreur inattendue</translation>
    </message>
    <message>
        <source>Something unexpected went wrong. Your data already saved is safe. The details are in the log file; please send it to the support team.</source>
        <translation>Un problème inattendu est survenu. Vos données déjà enregistrées ne risquent rien. Les détails sont dans le fichier journal&#xa0;; envoyez-le à l&apos;équipe d&apos;assistance.</translation>
    </message>
</context>
<context>
    <name>recovery</name>
    <message>
        <source>Backup restored</source>
        <translation>Sauvegarde restaurée</translation>
    </message>
    <message>
        <source>The backup could not be restored</source>
        <translation>La sauvegarde n&apos;a pas pu être restaurée</translation>
    </message>
    <message>
        <source>The damaged database is still in place, unchanged.</source>
        <translation>La base endommagée est toujours en place, inchangée.</translation>
    </message>
    <message>
        <source>No usable backup was found.</source>
        <translation>Aucune sauvegarde utilisable n&apos;a été trouvée.</translation>
    </message>
</context>
</TS>
