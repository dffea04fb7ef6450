; Inno Setup script for SoHoa on Windows (compile with ISCC.exe after PyInstaller; see docs/installer-windows.md).
#define AppVersion GetEnv("SOHOA_VERSION")

[Setup]
AppId={{6C1F2B8E-4F1E-4B59-9D7A-50484F41A001}
AppName=SoHoa
AppVersion={#AppVersion}
AppPublisher=SoHoa
DefaultDirName={autopf}\SoHoa
DefaultGroupName=SoHoa
OutputDir=..\..\dist
OutputBaseFilename=sohoa-{#AppVersion}-setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2/max
SolidCompression=yes
SetupIconFile=..\icons\sohoa.ico
UninstallDisplayIcon={app}\sohoa-gui.exe
; Upgrades install over the old version in place; user data lives in %LOCALAPPDATA%\SoHoa and is never touched.
UsePreviousAppDir=yes
CloseApplications=yes

[Languages]
Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\dist\sohoa\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; The administrator's system-wide settings (values and locks), readable by users.
Name: "{commonappdata}\SoHoa"

[Icons]
Name: "{group}\SoHoa"; Filename: "{app}\sohoa-gui.exe"; Parameters: "gui"
Name: "{autodesktop}\SoHoa"; Filename: "{app}\sohoa-gui.exe"; Parameters: "gui"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"

[Registry]
; Put sohoa.exe on the PATH of every user.
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; \
  ValueName: "Path"; ValueData: "{olddata};{app}"; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\sohoa.exe"; Parameters: "doctor"; Flags: runhidden nowait skipifsilent
Filename: "{app}\sohoa-gui.exe"; Parameters: "gui"; Description: "{cm:LaunchProgram,SoHoa}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Path) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
