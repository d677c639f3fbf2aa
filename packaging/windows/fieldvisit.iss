; Inno Setup 6 script: per-user installer of the fieldvisit bundle for Windows.
;
; Build on Windows, from the project folder:
;   make package                      (or: .venv\Scripts\pyinstaller --noconfirm
;                                      --distpath dist --workpath build\pyinstaller
;                                      packaging\fieldvisit.spec)
;   iscc packaging\windows\fieldvisit.iss
; Output: dist\fieldvisit-<version>-setup.exe
;
; Per user: no administrator rights asked; the app goes to
; %LOCALAPPDATA%\Programs\fieldvisit, with a Start-menu entry (and a desktop icon if
; chosen) and an uninstaller in "Applications et fonctionnalités".
;
; User data is not part of the installation and the uninstaller keeps it: visits,
; photos, backups and the log live in platformdirs' user data dir,
; %LOCALAPPDATA%\fieldvisit (logs in its Logs\ folder, or FIELDVISIT_DATA_DIR if set);
; the settings in the registry under HKCU\Software\fieldvisit; the sync token in the
; Windows Credential Locker. Only the files listed under [Files] are removed.

#define AppName "fieldvisit"
#define BundleDir "..\..\dist\fieldvisit"
#define AppExe "fieldvisit.exe"
; The version comes from the executable's version resource, which the PyInstaller spec
; writes from pyproject.toml: one source for the version. `iscc /DAppVersion=x.y.z`
; overrides it.
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(AddBackslash(SourcePath) + BundleDir + "\" + AppExe, "ProductVersion")
#endif

[Setup]
; Never change AppId: it is how an update finds the installed version.
AppId={{62DAE859-5BBA-417D-8933-19EC6635EE12}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=fieldvisit
AppComments=Visites de terrain « sécurité du quotidien » — Petites Villes de demain
VersionInfoVersion={#AppVersion}
; Per-user install: {autopf} is %LOCALAPPDATA%\Programs without administrator rights.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile=..\..\build\packaging\icons\fieldvisit.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; An update closes a running fieldvisit first (it saves as it goes: nothing is lost).
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
french.DataKept=Vos visites, photos et sauvegardes sont conservées dans :%n%1%n%nSupprimez ce dossier vous-même si vous voulez effacer les données.
english.DataKept=Your visits, photos and backups are kept in:%n%1%n%nDelete this folder yourself to erase the data.
french.LaunchApp=Lancer fieldvisit
english.LaunchApp=Start fieldvisit

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle (fieldvisit.exe, fieldvisit-cli.exe, _internal\).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Visites de terrain « sécurité du quotidien »"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entry: nothing outside {app} is removed, the user data stays.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\fieldvisit')]),
      mbInformation, MB_OK);
end;
