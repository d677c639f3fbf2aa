<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!--
  Qt's own strings that Qt's French catalogue (qtbase_fr.qm, shipped with PySide6) lacks
  in this Qt version: their English source gained an accelerator (&) or moved to another
  context, so Qt's dialogs showed them in English. Loaded after qtbase_fr by ui/i18n.py;
  tests/ui/test_ui_i18n_qt_dialogs.py finds any new English string in the dialogs the
  app opens. The French wording follows qtbase_fr's for the same strings.
-->
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Voir dans :</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>Fichiers de &amp;type :</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>Disque</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <source>%1 File</source>
        <extracomment>%1 is a file extension (pdf, jpg…)</extracomment>
        <translation>Fichier %1</translation>
    </message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message>
        <source>Page &amp;Set:</source>
        <translation>&amp;Pages à imprimer :</translation>
    </message>
</context>
</TS>
