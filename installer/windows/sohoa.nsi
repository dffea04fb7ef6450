; NSIS script of SoHoa's Windows installer, built on Linux with Debian's makensis:
;   makensis -DVERSION=0.1.0 -DAPPDIR=build\windows\dist\sohoa -DOUTFILE=dist\sohoa-0.1.0-setup.exe sohoa.nsi
; Installs the one-folder app (PyInstaller) into Program Files, a Start-menu entry and the
; Tesseract language data (bundled in the app), records the folder of an existing Tesseract
; install, and registers the uninstaller. Silent install: setup.exe /S /TESSERACT=C:\path
; User data (%LOCALAPPDATA%\SoHoa) is never touched, by install or uninstall.
Target amd64-unicode  ; a 64-bit installer: the app is 64-bit (and Wine here has no 32-bit side)
!include "MUI2.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !error "pass -DVERSION=..."
!endif
Name "SoHoa ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\SoHoa"
InstallDirRegKey HKLM "Software\SoHoa" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\SoHoa"
!define MUI_ICON "..\icons\sohoa.ico"
!define MUI_UNICON "..\icons\sohoa.ico"

Var TessDir

!insertmacro MUI_PAGE_DIRECTORY
!define MUI_DIRECTORYPAGE_VARIABLE $TessDir
!define MUI_PAGE_HEADER_TEXT "Tesseract OCR"
!define MUI_PAGE_HEADER_SUBTEXT "Thư mục Tesseract đã cài (chứa tesseract.exe) / the folder of an installed Tesseract"
!define MUI_DIRECTORYPAGE_TEXT_TOP "SoHoa dùng Tesseract đã cài trên máy để nhận dạng chữ. Chọn thư mục chứa tesseract.exe (ví dụ C:\Program Files\Tesseract-OCR). SoHoa uses an installed Tesseract for OCR: choose the folder holding tesseract.exe."
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  SetShellVarContext all
  SetRegView 64
  ; Tesseract: /TESSERACT=..., else the UB Mannheim installer's registry entry, else its default folder.
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/TESSERACT=" $TessDir
  ${If} ${Errors}
    ReadRegStr $TessDir HKLM "Software\Tesseract-OCR" "InstallDir"
  ${EndIf}
  ${If} $TessDir == ""
    StrCpy $TessDir "$PROGRAMFILES64\Tesseract-OCR"
  ${EndIf}
FunctionEnd

Section "SoHoa" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File /r "${APPDIR}\*.*"
  FileOpen $1 "$INSTDIR\tesseract-path.txt" w
  FileWrite $1 "$TessDir"
  FileClose $1
  CreateDirectory "$SMPROGRAMS\SoHoa"
  CreateShortCut "$SMPROGRAMS\SoHoa\SoHoa.lnk" "$INSTDIR\sohoa.exe" "gui" "$INSTDIR\sohoa.exe" 0
  CreateShortCut "$SMPROGRAMS\SoHoa\Gỡ cài đặt SoHoa.lnk" "$INSTDIR\uninstall.exe"
  CreateDirectory "$APPDATA\SoHoa"  ; C:\ProgramData\SoHoa: the administrator's config.toml
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\SoHoa" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "SoHoa"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "SoHoa"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\sohoa.exe"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $2 $3 $4
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" $2
SectionEnd

Function un.onInit
  SetShellVarContext all
  SetRegView 64
FunctionEnd

Section "Uninstall"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\sohoa.exe"
  Delete "$INSTDIR\tesseract-path.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\SoHoa\SoHoa.lnk"
  Delete "$SMPROGRAMS\SoHoa\Gỡ cài đặt SoHoa.lnk"
  RMDir "$SMPROGRAMS\SoHoa"
  DeleteRegKey HKLM "${UNINST_KEY}"
  DeleteRegKey HKLM "Software\SoHoa"
SectionEnd
